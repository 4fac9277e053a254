"""The game-theory lens: the stage game under the model's rules, matches,
tournaments and evolution of the model's own strategies.

Submodules are imported on use (``from stpgame.analysis.stage_game import
analyse_game``) so that the app can load the stage-game analysis without Mesa
or pandas:

- ``stage_game``: type, equilibria, Pareto optima, cooperation thresholds of a 2x2 game
- ``effective_game``: the 2x2 game between two representative organisations of a model
- ``match``: iterated two-player matches with ``stpgame.strategies``
- ``tournament``: round robins in the iterated prisoner's dilemma and in the STP game
- ``evolution``: replicator dynamics, Moran process, imitation in the STP game
- ``public_goods``: the N-player linear public-goods game with conditional cooperators
"""
