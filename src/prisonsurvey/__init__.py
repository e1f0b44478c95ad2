"""prisonsurvey: standardized surveys and censuses of people deprived of liberty."""

__version__ = "0.1.0"
