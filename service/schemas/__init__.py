"""Marshmallow schemas: request bodies, the article contract, errors and pages."""
