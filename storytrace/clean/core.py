"""`clean_page`: one raw page in, the same page with clean text and metadata out.

Pure functions of their arguments (the language model is loaded once per process), so
`clean_batch` runs unchanged in-process, in a process pool or in Spark `mapPartitions`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from storytrace.clean import dates, meta
from storytrace.clean.html import extract_html
from storytrace.clean.lines import Analysis, analyse
from storytrace.clean.profile import OutletProfile, page_outlet
from storytrace.model import Page


def clean_page(page: Page, profile: OutletProfile | None = None) -> Page:
    """A copy of `page` with text, title, published, author, outlet, lang, genre, credits
    and site_name filled. Fields supplied with the input win when they are sane."""
    if page.raw_format == "html":
        return _clean_html(page, profile)
    analysis, lang = _analyse_text(page.raw, page, profile)
    text = "\n\n".join(line.text for line in analysis.content())
    title = meta.sane_title(page.given_title) or analysis.title
    published = _published(page, analysis, lang)
    return dataclasses.replace(
        page,
        text=text,
        title=title,
        published=published,
        published_month=None if published else _published_month(page, analysis),
        author=analysis.author,
        outlet=_outlet(page, analysis),
        lang=lang,
        genre=meta.genre(title, page.url),
        credits=analysis.credits,
        site_name=None,
    )


def clean_batch(pages: list[Page], profiles: Mapping[str, OutletProfile]) -> list[Page]:
    """`clean_page` over a batch, each page with its outlet's learned profile."""
    return [clean_page(page, profiles.get(page_outlet(page) or "")) for page in pages]


def line_labels(page: Page, profile: OutletProfile | None = None) -> list[str | None]:
    """One label per line of `page.raw.split("\\n")`: title, date, byline, caption,
    boilerplate or content; None for empty lines. Plain-text pages only."""
    analysis, _ = _analyse_text(page.raw, page, profile)
    return analysis.labels()


def _analyse_text(
    raw: str, page: Page, profile: OutletProfile | None
) -> tuple[Analysis, str | None]:
    """Line analysis of `raw`, with the page language it was read in."""
    lang = meta.sane_lang(page.given_lang) or meta.detect_lang(_longest_lines(raw))
    analysis = analyse(
        raw, profile=profile, lang=lang, given_title=meta.sane_title(page.given_title)
    )
    return analysis, lang


def _longest_lines(raw: str, n: int = 3) -> str:
    """The page's longest lines: article sentences, rarely menus, for language detection."""
    return " ".join(sorted(raw.split("\n"), key=len, reverse=True)[:n])


def _published(page: Page, analysis: Analysis, lang: str | None) -> str | None:
    """Given date, crawl marker, URL date, date line, dateline, month marker + day: in order."""
    found = (
        dates.normalise_given_date(page.given_published, lang)
        or analysis.marker_date
        or dates.url_date(page.url)
    )
    if found:
        return found
    first_lines = analysis.first_text_lines(3)
    date_line = next((line for line in analysis.lines if line.label == "date"), None)
    if date_line is not None:
        context = [line.text for line in first_lines]
        return dates.resolve_day_month_order(date_line.date, date_line.text, context)
    for line in first_lines:
        found = dates.dateline_date(line.text, lang)
        if found:
            return found
    if analysis.marker_month and first_lines:
        year, month = map(int, analysis.marker_month.split("-"))
        day_month = dates.day_month(first_lines[0].text)
        if day_month and day_month[0] == month:
            return dates.make_date(year, month, day_month[1])
    return None


def _published_month(page: Page, analysis: Analysis) -> str | None:
    """The month of a page that gives no day: a crawl marker (" date 2024-08") or a URL
    path (/2024/08/slug). Too coarse for a date, still enough to tell which of two
    copies can have come first."""
    return analysis.marker_month or dates.url_month(page.url)


def _outlet(page: Page, analysis: Analysis | None) -> str | None:
    """Given outlet, URL host, or the host the page names as its own ("Also on rt.com")."""
    return (
        meta.sane_outlet(page.given_outlet)
        or meta.outlet_from_url(page.url)
        or (analysis.own_host if analysis else None)
    )


def _clean_html(page: Page, profile: OutletProfile | None) -> Page:
    """trafilatura's text and metadata, then the plain-text line pass over its text."""
    extract = extract_html(page.raw, page.url)
    analysis, lang = _analyse_text(extract.text, page, profile)
    # trafilatura already removed the headline from the text: keep every paragraph it
    # kept unless a pattern marks it as furniture.
    kept = [line.text for line in analysis.lines if line.label in ("content", "title")]
    # Comparing with no <title> at all would match every line that is not title-shaped.
    text = "\n\n".join(
        t for t in kept if extract.title is None or meta.sane_title(t) != extract.title
    )
    title = meta.sane_title(page.given_title) or meta.sane_title(extract.title) or analysis.title
    published = (
        dates.normalise_given_date(page.given_published, lang)
        or extract.published
        or dates.url_date(page.url)
        or _published(page, analysis, lang)
    )
    return dataclasses.replace(
        page,
        text=text,
        title=title,
        published=published,
        published_month=None if published else _published_month(page, analysis),
        author=extract.author or analysis.author,
        outlet=_outlet(page, analysis),
        lang=lang or meta.sane_lang(extract.lang),  # the text's language over <html lang>
        genre=meta.genre(title, page.url),
        credits=analysis.credits,
        site_name=extract.site_name,
    )
