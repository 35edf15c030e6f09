"""Clean stage: boilerplate removal and title/date/author/outlet/lang/genre extraction.

`clean_page(page)` returns a copy of the page with text, title, published, author,
outlet, lang, genre, credits and site_name filled; `clean_batch` does a batch with the
learned per-outlet profiles; `line_labels` says what each raw line was taken for.
"""

from storytrace.clean.core import clean_batch, clean_page, line_labels
from storytrace.clean.profile import OutletProfile, build_profiles

__all__ = ["OutletProfile", "build_profiles", "clean_batch", "clean_page", "line_labels"]
