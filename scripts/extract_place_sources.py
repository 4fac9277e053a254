"""Cut the small extracts in data/places/raw/ out of four large public NHS files.

The footprints are rebuilt from data/places/raw/ by ``scripts/build_places.py``. Four of
its inputs are extracts of files too large (or too mixed) to commit whole; this script
records exactly how each was cut, so that anyone holding the originals can check them:

- ``--etr``: NHS Digital ODS "etrust" (NHS trusts and their sites), downloaded 15 Sep 2018
  from digital.nhs.uk/services/organisation-data-service/data-downloads/other-nhs-organisations;
  public copy github.com/TechForUK/my_eu, data/nhs/input/etrust.csv.gz (commit 109d366).
  Kept: every trust (3-character code) and site (5-character code): code, name, postcode,
  open and close dates.
- ``--hospitals``: NHS website "Hospital" dataset (nhs.uk/about-us/nhs-website-datasets),
  downloaded 22 Sep 2018, same repository (data/nhs/input/Hospital.csv). Kept: the sites of
  the four care trusts (codes TAx), which are not in etrust: code, name, postcode, parent.
- ``--hchs``: NHS Digital, "HCHS staff by staff group, nationality and organisation,
  September 2017 and June 2018" (xlsx), same repository. Kept: per organisation of
  September 2017, its name and full-time equivalent staff summed over staff groups
  and nationalities (the sheet has no total rows, so nothing is counted twice).
- ``--epraccur``: NHS Digital ODS "epraccur" (GP practices), a copy of mid-2018
  (latest date in it 1 June 2018), github.com/SimonGunning/LAQNHealth, epraccur.csv (commit
  55bdb64). Kept: practice code, postcode, NHS England region (national grouping), status,
  commissioner (CCG) code.

All four are NHS Digital data under the Open Government Licence v3.0.
Usage: python scripts/extract_place_sources.py --etr etrust.csv.gz --hospitals Hospital.csv
       --hchs hchs.xlsx --epraccur epraccur.csv [--out data/places/raw]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import io
import re
import zipfile
from pathlib import Path

RAW = Path(__file__).resolve().parents[1] / "data" / "places" / "raw"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows")


def etr(src: Path, out: Path) -> None:
    """The trusts and their sites (every row): code, name, postcode, open and close dates."""
    opener = gzip.open if src.suffix == ".gz" else open
    with opener(src, "rt", encoding="latin-1") as f:
        rows = [[r[0], r[1], r[9], r[10], r[11]] for r in csv.reader(f)]
    path = out / "ods_etr_2018.csv.gz"
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["code", "name", "postcode", "open_date", "close_date"])
    w.writerows(rows)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(text.getvalue().encode())
    print(f"{path}: {len(rows)} rows")


def hospitals(src: Path, out: Path) -> None:
    """Sites of the care trusts (parent code TAx) in the NHS website hospital list."""
    with src.open(encoding="latin-1") as f:
        rows = list(csv.reader(f, delimiter="\xac"))
    col = {name: k for k, name in enumerate(rows[0])}
    keep = [
        [
            r[col["OrganisationCode"]],
            r[col["OrganisationName"]],
            r[col["Postcode"]],
            r[col["ParentODSCode"]],
        ]
        for r in rows[1:]
        if r[col["ParentODSCode"]].startswith("TA")
    ]
    keep.sort()
    _write(
        out / "nhs_hospital_sites_care_trusts_2018.csv",
        ["code", "name", "postcode", "parent"],
        keep,
    )


def hchs(src: Path, out: Path) -> None:
    """Per organisation of September 2017: name and FTE summed over all rows."""
    z = zipfile.ZipFile(src)
    strings = [
        html.unescape(re.sub(r"<[^>]+>", "", s))
        for s in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)
    ]
    sheet = z.read("xl/worksheets/sheet2.xml").decode()
    names: dict[str, str] = {}
    fte: dict[str, float] = {}
    for row in re.finditer(r"<row [^>]*>(.*?)</row>", sheet, re.S):
        cells = {}
        for m in re.finditer(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", row.group(1)):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
            v = re.search(r"<v>(.*?)</v>", m.group(2) or "")
            if v:
                column = re.match(r"[A-Z]+", attrs["r"]).group(0)
                cells[column] = strings[int(v.group(1))] if attrs.get("t") == "s" else v.group(1)
        if cells.get("A") == "2017-SEP":
            names[cells["B"]] = cells["C"]
            fte[cells["B"]] = fte.get(cells["B"], 0.0) + float(cells["F"])
    rows = [[c, names[c], f"{fte[c]:.2f}"] for c in sorted(names)]
    _write(out / "nhs_hchs_staff_sep2017.csv", ["code", "name", "fte"], rows)


def epraccur(src: Path, out: Path) -> None:
    """GP practices: code, postcode, region, status, commissioner."""
    with src.open(encoding="latin-1") as f:
        rows = [[r[0], r[9], r[2], r[12], r[14]] for r in csv.reader(f)]
    _write(
        out / "ods_epraccur_2018.csv",
        ["code", "postcode", "national_grouping", "status", "commissioner"],
        rows,
    )


def main() -> None:
    """Cut every extract given on the command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--etr", type=Path)
    ap.add_argument("--hospitals", type=Path)
    ap.add_argument("--hchs", type=Path)
    ap.add_argument("--epraccur", type=Path)
    ap.add_argument("--out", type=Path, default=RAW)
    args = ap.parse_args()
    for name, fn in (
        ("etr", etr),
        ("hospitals", hospitals),
        ("hchs", hchs),
        ("epraccur", epraccur),
    ):
        if getattr(args, name) is not None:
            fn(getattr(args, name), args.out)


if __name__ == "__main__":
    main()
