"""`python -m engine.workflow …`: the hegui command line with the workflow commands registered."""

from engine.cli import app, main
from engine.workflow.cli import register

if __name__ == "__main__":
    register(app)
    main()
