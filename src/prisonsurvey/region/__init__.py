"""Several national rounds of the regional core compared: the regional report.

A programme folder's ``region.yaml`` (:mod:`~prisonsurvey.region.model`, read by
:mod:`~prisonsurvey.region.load`) names the core instrument and the rounds, each a survey project
or a release package (:mod:`~prisonsurvey.region.rounds`). Every country x indicator cell gets a
comparability class from the round's adaptation (:mod:`~prisonsurvey.region.comparability`);
the rounds are stacked into one regional design (:mod:`~prisonsurvey.region.stack`) and every
figure is estimated on it (:mod:`~prisonsurvey.region.estimate`); :mod:`~prisonsurvey.region.run`
ties it together and :mod:`~prisonsurvey.region.writers` writes the report.
"""

from prisonsurvey.region.model import Comparability, RegionConfig
from prisonsurvey.region.run import Region, build_region, region_report

__all__ = ["Comparability", "Region", "RegionConfig", "build_region", "region_report"]
