"""The shared web workspace (`hegui serve`): a front end over engine/usecases.py, see docs/workspace.md."""
