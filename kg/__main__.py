"""``python -m kg``: the `kg` command line, for when the console script is not on PATH."""

from kg.cli import main

if __name__ == "__main__":
    main(prog_name="kg")
