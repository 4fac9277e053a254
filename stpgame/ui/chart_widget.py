"""An ECharts widget that marks each chart once it is drawn.

Solara's ``FigureEcharts`` works offline (echarts@5.4.0 is in solara-assets)
but throws in the browser when an option arrives before ECharts has loaded,
and gives no sign of when a redraw is done. This one waits for ECharts, then
sets ``data-drawn`` on the chart's element to ``drawn_key`` (here: the last
year the chart shows) when the redraw has finished, which the browser tests
and the benchmark wait for. The template is inline so no data file has to be
packaged.

The option travels as one JSON string, not a nested dict: Reacton walks and
compares every nested value of a widget's properties on each redraw, which for
a Sankey diagram or a 30-year chart cost more than everything else on a
workshop page. A string is compared in one step, and the JSON is built once per
room version and shared by every page that shows it (``to_json``).
"""

from __future__ import annotations

import json
import math

import ipyvuetify
import solara
import traitlets

ECHARTS_VERSION = "5.4.0"  # the version solara-assets ships

TEMPLATE = """
<template>
  <div ref="echarts" v-bind="attributes"></div>
</template>
<script>
module.exports = {
  mounted() {
    this.import([`${this.getCdn()}/echarts@__VERSION__/dist/echarts.min.js`]).then(([echarts]) => {
      if (this.destroyed) return;
      this.chart = echarts.init(this.$refs.echarts);
      this.chart.on("finished", () => {
        if (this.$refs.echarts) this.$refs.echarts.dataset.drawn = this.pending;
      });
      this.draw();
      this.resizeObserver = new ResizeObserver(() => this.chart && this.chart.resize());
      this.resizeObserver.observe(this.$refs.echarts);
    });
  },
  beforeDestroy() {
    this.destroyed = true;
    if (this.resizeObserver) this.resizeObserver.disconnect();
    if (this.chart) this.chart.dispose();
  },
  watch: {
    option() { this.draw(); },
  },
  methods: {
    draw() {
      if (!this.chart) return;  // not loaded yet: mounted() draws the latest option
      this.pending = this.drawn_key;
      this.chart.setOption(JSON.parse(this.option), true);
    },
    import(deps) {
      return this.loadRequire().then(() => {
        if (window.jupyterVue) {
          define("vue", [], () => window.jupyterVue.Vue);
        } else {
          define("vue", ["jupyter-vue"], (jupyterVue) => jupyterVue.Vue);
        }
        return new Promise((resolve, reject) => { requirejs(deps, (...m) => resolve(m), reject); });
      });
    },
    loadRequire() {
      if (window.requirejs) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    getCdn() {
      if (this.cdn) return this.cdn;
      if (window.solara) return window.solara.cdn;
      let base = document.body.dataset.baseUrl || document.baseURI;
      if (!base.endsWith("/")) base += "/";
      return `${base}_solara/cdn`;
    },
  },
};
</script>
""".replace("__VERSION__", ECHARTS_VERSION)


class ChartWidget(ipyvuetify.VuetifyTemplate):
    """The browser side of ``EChart``: draws ``option`` and reports ``drawn_key`` once painted."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    option = traitlets.Unicode("{}").tag(sync=True)  # JSON (see ``to_json``)
    attributes = traitlets.Dict({}).tag(sync=True)
    drawn_key = traitlets.Unicode("").tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings

        # Same rule as solara's own echarts widget: the server's /_solara/cdn/ route unless
        # the assets proxy is switched off.
        if not solara.settings.assets.proxy:
            return solara.settings.assets.cdn
        return None


def to_json(option: dict) -> str:
    """An ECharts option as JSON; NaN and infinities (no JSON for them) become null (a gap)."""
    try:
        return json.dumps(option, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(option), separators=(",", ":"), allow_nan=False)


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


@solara.component
def EChart(option: str, key: str, css_class: str, height: int, square: bool = False):
    """A chart filling its column, ``height`` pixels tall; ``option`` is ``to_json(option)``.

    ``square``: as tall as it is wide, at most ``height`` pixels (a network drawn in a
    non-square box comes out stretched: ECharts scales its two axes apart).
    """
    style = (
        f"width: 100%; max-width: {height}px; aspect-ratio: 1 / 1; margin: 0 auto;"
        if square
        else f"height: {height}px; width: 100%;"
    )
    return ChartWidget.element(
        option=option, drawn_key=key, attributes={"style": style, "class": css_class}
    )


ACK_TEMPLATE = """
<template>
  <span class="frame-ack" :data-frame="frame" style="display: none"></span>
</template>
<script>
module.exports = {
  watch: {
    frame() {
      const frame = this.frame;
      // two animation frames: the browser has handled every message before this one
      // (they arrive in order) and painted the result
      requestAnimationFrame(() => requestAnimationFrame(() => { this.acked = frame; }));
    },
  },
};
</script>
"""


class FrameAckWidget(ipyvuetify.VuetifyTemplate):
    """Echoes ``frame`` back as ``acked`` once the browser has drawn everything sent before it."""

    template = traitlets.Unicode(ACK_TEMPLATE).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    acked = traitlets.Int(0).tag(sync=True)
    on_acked = traitlets.Callable(None, allow_none=True)

    @traitlets.observe("acked")
    def _acked(self, change) -> None:
        if self.on_acked is not None:
            self.on_acked(change["new"])


@solara.component
def FrameAck(frame: int, on_acked):
    """An invisible element that calls ``on_acked(frame)`` once the browser has drawn ``frame``."""
    return FrameAckWidget.element(frame=frame, on_acked=on_acked)
