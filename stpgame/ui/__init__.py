"""The browser front end (Solara): see ``page.Page`` and docs/app.md.

Modules: ``session`` (one tab's game, plain Python), ``state`` (its Solara
reactives), ``rules`` and ``texts`` (what the room reads), ``history``,
``charts``, ``echarts`` and ``figures`` (what is drawn, and how), and one
module per part of the page: ``controls``, ``overview``, ``network_panel``,
``compare``, ``play_as``, ``game_panel``, ``explain``, ``downloads``, ``page``.
"""
