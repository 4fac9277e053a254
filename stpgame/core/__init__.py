"""The model's core: parameters, presets, footprints, the year's arithmetic, regulation,
relationships, the Mesa agents and model. Nothing here imports the command line, the
batch runner or the user interface."""
