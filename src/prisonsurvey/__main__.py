"""Allow ``python -m prisonsurvey``."""

from prisonsurvey.cli import main

main()
