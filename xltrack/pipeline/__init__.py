"""The pipeline as data: stages, thresholds, owners, activity types, and the workbook layout."""
from .defaults import default_pipeline, layout, templates_dir
from .models import ActivityType, Column, Layout, Owner, Pipeline, Sheet, Stage

__all__ = ["ActivityType", "Column", "Layout", "Owner", "Pipeline", "Sheet", "Stage",
           "default_pipeline", "layout", "templates_dir"]
