"""Maintainer tools for the template repository itself: releases and the fleet view."""
