"""Landfall's read-only data API: the filtered datasets as GeoJSON, under ``/api/v1``.

:func:`register_api` adds the routes to a Flask server; the page and the API share one parser
(:func:`datalayer.query.parse_params`) and one filter (:attr:`AppContext.select`).
"""

from api.routes import register_api

__all__ = ["register_api"]
