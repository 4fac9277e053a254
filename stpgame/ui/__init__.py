"""The browser front end (Solara): ``page.Page`` is the app; see docs/app.md.

``session`` holds one tab's game in plain Python (tested without Solara);
``state`` wraps it in the tab's reactives; ``rules`` and ``texts`` say what the
room reads; ``history``, ``charts``, ``echarts``, ``figures`` and
``chart_widget`` decide what is drawn and how; ``pacer`` keeps Play at the
browser's drawing speed; the rest are the parts of the page (``controls``,
``overview``, ``network_panel``/``network_view``, ``compare``, ``play_as``,
``game_panel``, ``explain``, ``downloads``/``export``, ``style``, ``page``);
``release`` gives a closed tab's memory back. The workshop room's pages are
``workshop_pages`` (facilitator), ``workshop_join`` (participants) and
``workshop_base`` (what they share), fed by ``workshop_html`` and
``workshop_charts`` and helped by ``workshop_widgets``.
"""
