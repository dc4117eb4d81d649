"""Sample article text shared by the text extraction and furniture tests."""

from __future__ import annotations

PROSE = [
    "The city council voted on Tuesday to expand the bus network to the northern suburbs, a plan that had been "
    "debated for more than two years by residents and local businesses.",
    "Supporters said the new routes would cut commuting times for thousands of workers, while critics warned that "
    "the cost of the project (estimated at $40 million) could rise further.",
    "The mayor, who has backed the plan since her election, said the first buses would run in the spring and that "
    "the council would review the network again after a year of service.",
    "Residents who spoke at the meeting were divided, with some saying they had waited too long for a reliable "
    "service and others asking why the money was not spent on repairing roads.",
]


MENU = ["Home", "News", "Sport", "Business", "Culture", "Travel", "Weather", "Video", "Opinion", "Podcasts"]


def dump(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"
