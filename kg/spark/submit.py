"""kg's command line as a script file, for `spark-submit` (which runs a file, not a module):

    spark-submit [options] "$(python -m kg.spark.submit --path)" build --engine spark CORPUS -o OUT
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--path"]:
        print(__file__)
        return
    from kg.cli import main as kg_main

    kg_main(prog_name="kg")


if __name__ == "__main__":
    main()
