"""Rebuild England's 44 footprints of 2017 (stpgame/places/data/*.csv) from data/places/raw/.

Run ``python scripts/build_places.py`` (``--check`` compares instead of writing: a test runs it).
Every rule below is documented in docs/places.md; sources and licences in
data/places/raw/PROVENANCE.md.

What it makes
- ``footprints.csv``: the 44 STPs (E54 code, name, NHS England region), their size (LSOAs,
  population estimate), counts of each kind of body, and measures of their structure.
- ``bodies.csv``: every body in a footprint, one row each: CCGs (E38 code and ODS code),
  councils with adult social care duties (E06/E08/E09/E10 code), acute trusts (HF list) and
  community / mental-health trusts (ODS code), each with its size weight and boundary flags:
  ``split`` (a council straddling footprints; a CCG spanning councils) and ``home_share``
  (a council's share of its people in its footprint; a CCG's in its main council).
- ``council_shares.csv``: each council's population across footprints (shares sum to 1).

Rules
1. CCGs: each of the 207 CCGs of April 2017 is in the STP the ONS lookup gives it.
2. Councils: the 152 upper-tier authorities with adult social care duties. A unitary (E06),
   metropolitan district (E08) or London borough (E09) is its own; a shire district (E07)
   belongs to its county (E10) as in the ONS lower-to-upper-tier lookup. The same lookup maps
   metropolitan districts and London boroughs to metropolitan counties (E11) and Inner/Outer
   London (E13): those are not social-care authorities, so that step is not followed.
   A council's population in each footprint is counted from the LSOAs (via their CCG); it
   belongs to the footprint holding most of it; what lies elsewhere is boundary mismatch.
3. Population: the number of 2011 LSOAs (built to hold similar populations, about 1,500
   residents each) is the proxy; it is scaled to people with England's mid-2017 population
   (ONS mid-year estimate 55,619,430) over its 32,844 LSOAs.
4. Acute trusts: the Health Foundation's 2017/18 trust-to-STP list (137 trusts).
5. Community and mental-health trusts: the NHS trusts with staff in September 2017 (NHS
   Digital workforce statistics, which name every trust of that month) that are not in the
   acute list, are not ambulance trusts (regional, serving several footprints), are not the
   specialist trusts listed in SPECIALIST (national catchments; the HF list leaves them out
   too), and are not the two acute trusts merged in October 2017 into Manchester University
   NHS FT (on the HF list as R0A). Each is placed by its sites: in the footprint holding
   most of its sites open in 2017 (ODS etrust), each site's postcode placed in the footprint
   of the CCG holding most GP practices in its postcode sector, else its district (GP
   practices of CCGs merged in 2018 count where their merger stayed inside one footprint).
   The four care trusts, which etrust does not list, are placed by their sites in the NHS
   website's hospital list. (Fallback, used by none in the 2017 data: the footprint of the
   councils a trust is named after, when they lie in one footprint.)
   The same rule places 136 of the 137 HF acute trusts in HF's footprint (printed by this
   script: a check of the method, not an input).
6. Trust size: full-time equivalent staff of September 2017 (NHS Digital), used to split a
   footprint's spend on a kind of care among its trusts. Manchester University NHS FT (R0A,
   formed October 2017) takes the staff of its two predecessors (RW3, RM2).
7. NHS England region: the region (ODS national grouping, as of 2018: North, Midlands and
   East, London, South West, South East) of most of the footprint's GP practices.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "places" / "raw"
OUT = ROOT / "stpgame" / "places" / "data"

ENGLAND_POPULATION_2017 = 55_619_430  # ONS mid-2017 population estimate, England
SPECIALIST = {
    "RAN": "Royal National Orthopaedic Hospital (specialist orthopaedics)",
    "RBQ": "Liverpool Heart and Chest Hospital (specialist)",
    "RBV": "The Christie (specialist cancer)",
    "REN": "Clatterbridge Cancer Centre (specialist cancer)",
    "REP": "Liverpool Women's (specialist women's)",
    "RET": "The Walton Centre (specialist neurosciences)",
    "RGM": "Papworth Hospital (specialist cardiothoracic)",
    "RL1": "Robert Jones and Agnes Hunt Orthopaedic Hospital (specialist)",
    "RNK": "Tavistock and Portman (national specialist mental health)",
    "RP4": "Great Ormond Street Hospital for Children (specialist)",
    "RP6": "Moorfields Eye Hospital (specialist)",
    "RPC": "Queen Victoria Hospital (specialist burns and plastics)",
    "RPY": "The Royal Marsden (specialist cancer)",
    "RRJ": "Royal Orthopaedic Hospital (specialist orthopaedics)",
    "RT3": "Royal Brompton and Harefield (specialist heart and lung)",
}
MERGED_INTO_R0A = ("RW3", "RM2")  # Central Manchester UH FT, UH of South Manchester FT
REGIONS = {
    "Y54": "North of England",
    "Y55": "Midlands and East of England",
    "Y56": "London",
    "Y58": "South West",
    "Y59": "South East",
}
PURITY, MIN_PRACTICES = 0.8, 10
KINDS = ("acute", "community", "ccg", "council")


def _read(name: str) -> list[dict[str, str]]:
    path = RAW / name
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8-sig") as f:
            return list(csv.DictReader(f))
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _sector(pc: str) -> str:
    parts = pc.split()
    return f"{parts[0]} {parts[1][0]}" if len(parts) == 2 and parts[1] else ""


def _district(pc: str) -> str:
    return pc.split()[0] if pc.strip() else ""


def build() -> tuple[dict[str, str], list[str]]:
    """Every output file's text, by name, and the build's report lines."""
    report: list[str] = []
    ccgs = _read("ccg17_stp17.csv")
    stp_name = {r["STP17CD"]: r["STP17NM"] for r in ccgs}
    ccg_stp = {r["CCG17CD"]: r["STP17CD"] for r in ccgs}
    ods_stp = {r["CCG17CDH"]: r["STP17CD"] for r in ccgs}
    assert len(ccgs) == 207 and len(stp_name) == 44, (len(ccgs), len(stp_name))

    # -- councils: lower tier -> social-care authority --------------------------------------
    upper: dict[str, tuple[str, str]] = {}
    for r in _read("ltla17_utla17.csv"):
        lt, ut = r["LTLA17CD"], r["UTLA17CD"]
        if not lt.startswith("E"):
            continue
        if lt[:3] in ("E06", "E08", "E09"):
            upper[lt] = (lt, r["LTLA17NM"])  # its own authority (not E11/E13)
        elif lt[:3] == "E07":
            assert ut.startswith("E10"), (lt, ut)
            upper[lt] = (ut, r["UTLA17NM"])
        else:
            raise ValueError(f"unexpected lower-tier code {lt}")
    councils = dict(upper.values())
    assert len(councils) == 152, len(councils)

    # -- LSOAs: population proxy ----------------------------------------------------------
    lsoas = _read("lsoa11_ccg17_lad17.csv.gz")
    per_person = ENGLAND_POPULATION_2017 / len(lsoas)
    ccg_lsoas: Counter[str] = Counter()
    council_fp: dict[str, Counter[str]] = defaultdict(Counter)
    ccg_council: dict[str, Counter[str]] = defaultdict(Counter)
    lad_fp: dict[str, Counter[str]] = defaultdict(Counter)
    for r in lsoas:
        fp = ccg_stp[r["CCG17CD"]]
        council = upper[r["LAD17CD"]][0]
        ccg_lsoas[r["CCG17CD"]] += 1
        council_fp[council][fp] += 1
        ccg_council[r["CCG17CD"]][council] += 1
        lad_fp[r["LAD17CD"]][fp] += 1
    assert set(ccg_lsoas) == set(ccg_stp), "every CCG has LSOAs"
    assert set(council_fp) == set(councils), "every council has LSOAs"
    home = {c: max(sorted(v), key=lambda f: v[f]) for c, v in council_fp.items()}

    # -- trusts ---------------------------------------------------------------------------
    staff = {r["code"]: r for r in _read("nhs_hchs_staff_sep2017.csv")}
    fte = {c: float(r["fte"]) for c, r in staff.items()}
    fte["R0A"] = sum(fte[c] for c in MERGED_INTO_R0A)
    acute = {r["code"]: r for r in _read("acute_trust_stp_2017.csv")}
    site_postcodes: dict[str, list[str]] = defaultdict(list)
    for r in _read("ods_etr_2018.csv.gz"):
        open_in_2017 = not r["close_date"] or r["close_date"] >= "20170401"
        if len(r["code"]) == 5 and r["postcode"] and open_in_2017:
            site_postcodes[r["code"][:3]].append(r["postcode"])
    care_sites = _read("nhs_hospital_sites_care_trusts_2018.csv")
    place_of = _site_locator(ods_stp, report)
    name_places = _council_name_places(councils, home, lad_fp, upper)

    def locate(code: str, name: str) -> tuple[str, str]:
        """Where most of the trust's sites are; else where its name says; else nowhere."""
        postcodes = site_postcodes.get(code) or [
            s["postcode"] for s in care_sites if s["parent"] == code
        ]
        votes = Counter(place_of(pc) for pc in postcodes)
        votes.pop(None, None)
        if votes:
            fp = max(sorted(votes), key=lambda f: votes[f])
            return fp, f"{votes[fp]} of {sum(votes.values())} sites"
        named = {fp for pattern, fp in name_places if pattern.search(name)}
        if len(named) == 1:
            return named.pop(), "name"
        return "", "not placed"

    hits = sum(locate(c, r["Trust"])[0] == r["STP_code"] for c, r in acute.items())
    report.append(
        f"check: the placing rules put {hits} of {len(acute)} HF acute trusts in HF's footprint"
    )

    community = []
    for code, r in sorted(staff.items()):
        name = r["name"]
        is_trust = len(code) == 3 and code[0] in "RT" and "Trust" in name
        if not is_trust or code in acute or code in SPECIALIST or code in MERGED_INTO_R0A:
            continue
        if "Ambulance" in name:
            continue
        fp, how = locate(code, name)
        if not fp:
            raise ValueError(f"trust {code} {name}: no footprint found")
        community.append((code, name, fp, how))

    # -- bodies ---------------------------------------------------------------------------
    bodies: list[dict[str, object]] = []
    for code, r in acute.items():
        bodies.append(
            {
                "kind": "acute",
                "code": code,
                "ods_code": code,
                "name": r["Trust"],
                "footprint_code": r["STP_code"],
                "weight": round(fte[code], 2),
                "lsoas": 0,
                "placed_by": "Health Foundation list",
                "split": 0,
                "home_share": 1.0,
            }
        )
    for code, name, fp, how in community:
        bodies.append(
            {
                "kind": "community",
                "code": code,
                "ods_code": code,
                "name": name,
                "footprint_code": fp,
                "weight": round(fte[code], 2),
                "lsoas": 0,
                "placed_by": how,
                "split": 0,
                "home_share": 1.0,
            }
        )
    for r in ccgs:
        c = r["CCG17CD"]
        bodies.append(
            {
                "kind": "ccg",
                "code": c,
                "ods_code": r["CCG17CDH"],
                "name": r["CCG17NM"],
                "footprint_code": r["STP17CD"],
                "weight": ccg_lsoas[c],
                "lsoas": ccg_lsoas[c],
                "placed_by": "ONS lookup",
                "split": int(len(ccg_council[c]) > 1),
                "home_share": round(max(ccg_council[c].values()) / ccg_lsoas[c], 6),
            }
        )
    for c, name in councils.items():
        bodies.append(
            {
                "kind": "council",
                "code": c,
                "ods_code": "",
                "name": name,
                "footprint_code": home[c],
                "weight": sum(council_fp[c].values()),
                "lsoas": sum(council_fp[c].values()),
                "placed_by": "most of its population",
                "split": int(len(council_fp[c]) > 1),
                "home_share": round(council_fp[c][home[c]] / sum(council_fp[c].values()), 6),
            }
        )
    bodies.sort(key=lambda b: (b["footprint_code"], KINDS.index(str(b["kind"])), str(b["name"])))

    # -- footprints -----------------------------------------------------------------------
    fp_lsoas: Counter[str] = Counter()
    for c, n in ccg_lsoas.items():
        fp_lsoas[ccg_stp[c]] += n
    split = {c for c, v in council_fp.items() if len(v) > 1}
    region = _regions(place_of.codes)
    footprints = []
    for fp in sorted(stp_name):
        mine = [b for b in bodies if b["footprint_code"] == fp]
        count = Counter(str(b["kind"]) for b in mine)
        # people of this footprint living in a council that straddles footprints
        in_split = sum(council_fp[c][fp] for c in split if fp in council_fp[c])
        # people here whose council belongs to another footprint (boundary mismatch)
        foreign = sum(v[fp] for c, v in council_fp.items() if home[c] != fp and fp in v)
        ccg_in_one = all(len(ccg_council[str(b["code"])]) == 1 for b in mine if b["kind"] == "ccg")
        touching = {c for c, v in council_fp.items() if fp in v}
        coterminous = ccg_in_one and not (touching & split)
        footprints.append(
            {
                "code": fp,
                "name": stp_name[fp],
                "region_code": region[fp],
                "region": REGIONS[region[fp]],
                "lsoas": fp_lsoas[fp],
                "population": round(fp_lsoas[fp] * per_person),
                "acute": count["acute"],
                "community": count["community"],
                "ccg": count["ccg"],
                "council": count["council"],
                "councils_touching": len(touching),
                "coterminous": int(coterminous),
                "split_share": round(in_split / fp_lsoas[fp], 4),
                "mismatch_share": round(foreign / fp_lsoas[fp], 4),
            }
        )
    shares = []
    for c in sorted(council_fp):
        total = sum(council_fp[c].values())
        for fp in sorted(council_fp[c]):
            shares.append(
                {
                    "council_code": c,
                    "council_name": councils[c],
                    "footprint_code": fp,
                    "lsoas": council_fp[c][fp],
                    "share": round(council_fp[c][fp] / total, 6),
                    "home": int(fp == home[c]),
                }
            )
    kinds = Counter(str(b["kind"]) for b in bodies)
    report.append(
        "bodies: " + ", ".join(f"{k} {kinds[k]}" for k in KINDS) + f"; split councils {len(split)}"
    )
    no_kind = [f["name"] for f in footprints if not (f["acute"] and f["community"])]
    report.append(f"footprints without an acute or a community trust: {no_kind or 'none'}")
    return {
        "footprints.csv": _csv(footprints),
        "bodies.csv": _csv(bodies),
        "council_shares.csv": _csv(shares),
    }, report


def _site_locator(ods_stp: dict[str, str], report: list[str]):
    """Postcode -> footprint: the footprint of the CCG holding most GP practices (open or
    closed, 2018 copy of epraccur) in the postcode's sector, else its district.

    A commissioner code that is not one of the 207 CCGs of April 2017 (a CCG formed by a
    merger in April 2018, or an NHS England hub) counts only if at least PURITY of the
    2017-coded practices in the districts of its practices (and at least MIN_PRACTICES)
    lie in one footprint: mergers joined CCGs of one footprint (Leeds, Berkshire West,
    Bristol...), hubs and mergers across footprints fail the test and are left out."""
    practices = [r for r in _read("ods_epraccur_2018.csv") if r["postcode"] and r["commissioner"]]
    district_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in practices:
        if r["commissioner"] in ods_stp:
            district_votes[_district(r["postcode"])][ods_stp[r["commissioner"]]] += 1
    later: dict[str, Counter[str]] = defaultdict(Counter)
    for r in practices:
        if r["commissioner"] not in ods_stp:
            later[r["commissioner"]].update(district_votes.get(_district(r["postcode"]), {}))
    merged = {}
    for code, votes in sorted(later.items()):
        total = sum(votes.values())
        if total >= MIN_PRACTICES:
            fp, top = max(sorted(votes.items()), key=lambda kv: kv[1])
            if top >= PURITY * total:
                merged[code] = fp
    report.append(f"later commissioner codes placed: {len(merged)} ({', '.join(sorted(merged))})")
    codes = {**ods_stp, **merged}
    by_sector: dict[str, Counter[str]] = defaultdict(Counter)
    by_district: dict[str, Counter[str]] = defaultdict(Counter)
    used = 0
    for r in practices:
        fp = codes.get(r["commissioner"])
        if fp and r["postcode"]:
            by_sector[_sector(r["postcode"])][fp] += 1
            by_district[_district(r["postcode"])][fp] += 1
            used += 1
    report.append(f"GP practices used to place postcodes: {used}")

    def place(postcode: str) -> str | None:
        for table, key in ((by_sector, _sector(postcode)), (by_district, _district(postcode))):
            votes = table.get(key)
            if votes:
                return max(sorted(votes), key=lambda f: votes[f])
        return None

    place.codes = codes  # type: ignore[attr-defined]  # the commissioner codes it counted
    return place


def _council_name_places(councils, home, lad_fp, upper) -> list[tuple[re.Pattern[str], str]]:
    """Each council and district name as a whole-word pattern, with its footprint (a
    council's home; a shire district's, the footprint holding most of its LSOAs)."""
    out = [(name, home[code]) for code, name in councils.items()]
    for lad, votes in lad_fp.items():
        if lad.startswith("E07"):
            name = next(n for code, n in _lad_names().items() if code == lad)
            out.append((name, max(sorted(votes), key=lambda f: votes[f])))
    return [(re.compile(r"\b" + re.escape(name) + r"\b", re.I), fp) for name, fp in out]


def _lad_names() -> dict[str, str]:
    return {r["LTLA17CD"]: r["LTLA17NM"] for r in _read("ltla17_utla17.csv")}


def _regions(codes: dict[str, str]) -> dict[str, str]:
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in _read("ods_epraccur_2018.csv"):
        fp = codes.get(r["commissioner"])
        if fp and r["national_grouping"] in REGIONS:
            votes[fp][r["national_grouping"]] += 1
    return {fp: max(sorted(v), key=lambda g: v[g]) for fp, v in votes.items()}


def _csv(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write the tables (or, with --check, say whether the committed ones are current)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed tables")
    args = ap.parse_args(argv)
    files, report = build()
    stale = [
        n for n, text in files.items() if not (OUT / n).exists() or (OUT / n).read_text() != text
    ]
    if args.check:
        if stale:
            print("out of date: " + ", ".join(stale) + " (run python scripts/build_places.py)")
            return 1
        print("place tables are current")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text)
    print("\n".join(report))
    print(f"wrote {', '.join(files)} to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
