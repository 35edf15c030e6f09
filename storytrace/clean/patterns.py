"""Line patterns that mark boilerplate, comment sections, bylines and captions.

These are the phrases news templates share across sites (share prompts, "Related
Articles", "Leave a Reply", "Source: ..."), in the languages of the corpus and a few more.
They are deliberately generic: per-outlet junk is learned from the data instead
(`storytrace.clean.profile`).
"""

from __future__ import annotations

import re


class LinePattern:
    """Alternatives tried at the start of a line (those written with ^) or anywhere.

    One big alternation would be tried at every position of every line; matching the
    anchored alternatives only at position 0, and the others only on lines containing one
    of their `hints` (plain substrings of the casefolded line, each alternative must
    contain one), makes the line pass several times faster.
    """

    def __init__(
        self, patterns: list[str], flags: int = re.IGNORECASE, hints: tuple[str, ...] = ()
    ):
        starts = [p[1:] if p.startswith("^") else p for p in patterns if _anchored(p)]
        anywhere = [p for p in patterns if not _anchored(p)]
        self._starts = re.compile("|".join(f"(?:{p})" for p in starts), flags)
        self._anywhere = re.compile("|".join(f"(?:{p})" for p in anywhere), flags)
        self._has_anywhere = bool(anywhere)
        self._hints = hints

    def search(self, text: str) -> bool:
        if self._starts.match(text):
            return True
        if not self._has_anywhere:
            return False
        if self._hints:
            folded = text.casefold()
            if not any(hint in folded for hint in self._hints):
                return False
        return self._anywhere.search(text) is not None


def _anchored(pattern: str) -> bool:
    return pattern.startswith(("^", "(?-i:^"))


def _any(*patterns: str, hints: tuple[str, ...] = ()) -> LinePattern:
    return LinePattern(list(patterns), hints=hints)


#: Lines that are navigation, prompts, cross-links, related lists, footers.
BOILERPLATE = _any(
    # sharing and subscribing
    r"^(share|partager|compartir|condividi|teilen|поделиться|شارك)\b.{0,40}$|^分享",
    r"share this (story|article|post)|think your friends would be interested",
    r"^(subscribe|sign up|abonnez-vous|suscr[ií]bete|подпишитесь|اشترك)\b",
    r"newsletter|рассылк|النشرة البريدية",
    r"^(follow us|suivez-nous|s[ií]guenos|подписывайтесь на|تابعنا|تابعونا)\b",
    r"^➤",
    r"(click|tap) here to|whatsapp channel",
    # cross-links and related lists
    r"^also on [\w.-]+\.[a-z]{2,}\b",
    r"^(related|more|latest|recommended|trending|popular|top)"
    r"( articles?| posts?| stories| news| videos?| from me| reads?)?\s*:?$",
    r"^(read more|read also|also read|see also|you (might|may) also like|more from|"
    r"most (read|popular)|more stories|latest stories|latest news)\b",
    r"^(>>\s*)?(à |a )?lire aussi|^voir aussi|^sur le même sujet|^articles? similaires?",
    r"^(lee|leer|lea) también|^te puede interesar|^noticias relacionadas|^relacionad[oa]s",
    r"^(leggi anche|potrebbe interessarti|leia (também|mais)|veja também)",
    r"^(lesen sie auch|mehr zum thema|auch interessant)",
    r"^(czytaj|zobacz) (także|też)|^dalsza część artykułu",
    r"^(читайте|читать) также|^по теме:?$|^похожие (новости|статьи)|^версия для печати",
    r"^(إ|ا)قرأ (أيضا|أيضاً|ايضا|المزيد)|^(مقالات|أخبار|مواضيع) ذات صلة|^مواضيع:?$|"
    r"^الأخبار الأخيرة|^زر الذهاب إلى الأعلى",
    r"(?-i:^[A-Z][A-Z ]{4,}:\s+\S[^.!?]{0,120}$)",  # "PAY ATTENTION: Club Director Reveals ..."
    # navigation and page furniture
    r"^(back to top|skip to (main )?content|accessibility links|main menu|toggle navigation)",
    r"^(search|log ?in|sign in|donate( now)?|advertisement|sponsored|exit mobile version|"
    r"cart|your cart is empty|menu|close|print|email|comments?|breaking news)\W{0,3}$",
    r"^(home|accueil|inicio|portada|startseite|главная|الرئيسية)\s*[»›>/|]",
    r"^[^>|]{1,40}\s[>|]\s[^>|]{1,40}\s[>|]\s[^>|]{1,40}",  # "News | Region | Climate"
    r"\S\s›\s\S.*\s›\s",
    r"this website uses cookies|we use cookies|cookie policy|accept cookies",
    r"your (web )?browser is (no longer|not) supported",
    r"^(temps de lecture|reading time|время чтения)\b|^\d+\s*min(ute)?s?\s*read$",
    r"^\d+\s+(seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)( ago)?\s*[-–]?$",
    r"^updated \d+ (minutes?|hours?|days?) ago$",
    # footers and tags
    r"(copyright|©)\s*(\d{4}|by)|all rights reserved|tous droits réservés|"
    r"todos los derechos|جميع الحقوق محفوظة|все права защищены",
    r"^(tags?|topics?|keywords|mots[- ]clés|etiquetas|теги|الوسوم|كلمات مفتاحية)\s*:",
    r"^(https?://|www\.)\S+$",
    r"^(how to submit an op-ed|have your say)",
    hints=(
        "share this",
        "friends would",
        "newsletter",
        "рассылк",
        "النشرة البريدية",
        "here to",
        "whatsapp",
        "›",
        "cookie",
        "browser",
        "copyright",
        "©",
        "rights reserved",
        "droits réservés",
        "derechos",
        "الحقوق محفوظة",
        "права защищены",
    ),
)

#: A line that opens the reader-comment section; everything after it is boilerplate.
COMMENTS_START = _any(
    r"^(one|two|three|\d+) (thoughts?|responses?|comments?|replies) (on|to)\b",
    r"^(\d+\s+)?(thoughts?|responses?|comments?) (on|to) [“\"'‘«]",
    r"^leave a (reply|comment)|^no comments( yet)?\b|^(post|add|write) a comment",
    r"^(comments?|kommentare?|commentaires?|comentarios?|commenti|комментарии|تعليقات)"
    r"\s*(\(\d+\)|\d+)?:?$",
    r"your email address will not be published",
    r"^please enter your (comment|name)",
    r"^(laisser|laissez) un commentaire|^(deja|dejar) (un|una) (comentario|respuesta)",
    r"^lascia un commento|^kommentar(e)? (schreiben|verfassen)|^добавить комментарий",
    r"^комментарии\s*(\(\d+\))?:?$|^(اترك|أضف) (تعليقا|تعليقاً|تعليق|ردا)|^التعليقات",
    hints=("your email",),
)

#: Author and source credit lines.
BYLINE = LinePattern(
    [
        r"^[*(]?\s*(?i:by|par|por|von|автор|بقلم|edited by|written by)\s*:?\s+"
        r"[^\W\d_a-zа-я].{0,60}$",
        r"^[*(]?\s*(?i:source|sources|quelle|fuente|fonte|источник|المصدر|kaynak|źródło)"
        r"\s*:\s*\S.{0,200}$",
        r"^di\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}$",  # Italian "di Mario Rossi"
        r"^\(?(?i:reporting|writing|editing|additional reporting) by\b",
        r"^\(?(?i:rédigé|édité) par\b",
        r"^\(?(?i:with inputs? from|by agencies|with agencies)\b",
        r"^[\w .'-]{2,40}\s*\([A-Z][A-Za-z]{1,12}\)\s*[-–—]+$",  # "Washington (AFP) –"
        r"^\([A-Z][A-Za-z]{1,12}\)\s*[-–—]+$",  # "(CNN) --"
    ],
    flags=0,
)

#: Photo captions and credits.
CAPTION = _any(
    r"©",
    r"^(photo|photos|image|images|picture|foto|фото|صورة|file (image|photo)|handout)\b"
    r"\s*(caption)?\s*[:/|,-]",
    r"^(in )?this (handout |undated |file )?(photo|image|picture)\b",  # AP-style captions
    r"\bfile (image|photo)\.?$",
    r"\b(photo|photograph|image|picture) (credit|by)\b",
    r"getty images|shutterstock|/vcg photo|источник изображения",
    r"\b(photo|photograph|foto|фото)\s*:\s*\S.{0,60}$",
    r"\((ap|afp|reuters|epa|file|dpa)\)$",
    r"\[[^\]]*(reuters|afp|ap|getty|epa)[^\]]*\]$",
    r"^\[?credit\b",
    hints=(
        "©",
        "file ",
        "photo",
        "image",
        "picture",
        "getty",
        "shutterstock",
        "vcg",
        "источник изображения",
        "foto",
        "фото",
        "(ap)",
        "(afp)",
        "(reuters)",
        "(epa)",
        "(file)",
        "(dpa)",
        "]",
    ),
)

#: Captions framed as captions whatever their length: opening like an agency photo
#: caption, or closing with a photo credit in brackets. A long caption (AP's run to 140
#: words) is otherwise read as a paragraph; unframed cues ("getty images" anywhere) stay
#: under CAPTION's length limit.
CAPTION_FRAMED = _any(
    r"^(in )?this (handout |undated |file )?(photo|image|picture)\b",
    r"\((photo|image|picture|foto|фото)s? (by|credit)\b[^()]{0,100}\)\.?$",
    hints=("this", "photo", "image", "picture", "foto", "фото"),
)

#: Self-references that name the site's own host ("Also on rt.com").
OWN_HOST = re.compile(r"^also on ((?:[a-z0-9-]+\.)+[a-z]{2,})\b", re.IGNORECASE)

#: Agency or outlet credited in a dateline: "MOSCOW (Reuters) –", "Dec. 24 (UPI) —".
DATELINE_CREDIT = re.compile(r"\(([A-Z][A-Za-z]{1,14}(?:[ -][A-Z][A-Za-z]+)?)\)\s*[-–—]")
SOURCE_CREDIT = re.compile(
    r"^[*(]?\s*(?:source|sources|quelle|fuente|fonte|источник|المصدر|kaynak|źródło)\s*:\s*"
    r"(?P<name>[^()\n]{2,80}?)\s*\)?\.?$",
    re.IGNORECASE,
)
AUTHOR = re.compile(
    r"^[*(]?\s*(?:by|par|por|von|di|автор|بقلم|written by)\s*:?\s+(?P<name>[^|\n]{2,80}?)"
    r"\s*(?:[-–—|,(]\s*(?P<credit>[^)\n]{2,40}?)\)?)?\s*\.?$",
    re.IGNORECASE,
)
#: "Title by Author – Agency" on one line (a byline glued to the headline).
TRAILING_BYLINE = re.compile(
    r"^(?P<title>.{15,}?)\s+(?:by|BY|By)\s+(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,4})"
    r"(?:\s*[-–—|]\s*(?P<credit>[^\n]{2,40}))?$"
)

#: Short author biographies at the end of opinion pieces.
BIO = re.compile(
    r"^(?:(?i:prof|dr|mr|ms|mrs)\.?\s+)?(?:[A-Z][\w'’.-]+\s+){1,4}"
    r"(?:is|was|holds|has been|serves as|writes|teaches)\s+.{0,80}"
    r"\b(?i:journalist|writer|author|editor|professor|correspondent|reporter|analyst|"
    r"researcher|universit|degree|columnist|contributor|fellow|lecturer|director|co-lead)",
)

#: A headline labelled as opinion: "Opinion: ...", "... – OpEd", "Tribune | ...".
_OPINION_WORDS = (
    r"op-?eds?|opinion|editorial|column|commentary|viewpoint|tribune|chronique|éditorial|"
    r"opinión|columna|opinião|meinung|kommentar|мнение|колонка|رأي|مقال رأي"
)
OPINION = re.compile(
    rf"^\W*(?:{_OPINION_WORDS})\s*[:|–—-]|[:|–—(-]\s*(?:{_OPINION_WORDS})\s*\)?\s*$",
    re.IGNORECASE,
)
