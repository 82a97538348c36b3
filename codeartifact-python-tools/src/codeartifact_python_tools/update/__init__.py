"""Take the template's newer releases: `update-template` by hand, `template-drift` every week.

The copier that runs the update is the one these tools were tested with (COPIER overrides it).
"""
