"""The paper questionnaire: one printable, self-contained HTML page."""

from prisonsurvey.preview.render import render_preview

__all__ = ["render_preview"]
