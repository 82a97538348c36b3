"""Maintainer tools for the template repository itself: releases, the fleet view, adoption."""
