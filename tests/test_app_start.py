"""What create_app leaves behind for serving: long-lived data kept out of the collector's scans."""

from __future__ import annotations

import gc

from app import create_app
from datalayer.loader import Datasets


def test_create_app_freezes_what_it_built(real_data: Datasets) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    create_app(real_data)
    # The datasets, the context and the layout are now permanent: a full collection during a
    # request no longer walks them (it caused the slowest tenth of renders).
    assert gc.get_freeze_count() > 10_000
