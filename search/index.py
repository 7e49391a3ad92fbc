"""Full-text search over what an owner might describe: symptoms, guides and FAQs.

SQLite uses an FTS5 table (porter stemming, so "raining" finds "rain"); PostgreSQL
uses its English text search. Both rank titles and owners' words above body text.
Words are OR-ed so an owner's own phrasing still finds the closest matches.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse

from guides.models import FAQ, RepairGuide
from pagecache.batch import in_batch
from problems.models import Problem
from search.models import SearchEntry
from troubleshooter.models import Answer, DiagnosisVersion

FTS_TABLE = "troubleshooter_searchentry_fts"
MAX_TERMS = 12
MAX_RESULTS = 10
# Words that match everything and so tell us nothing.
STOPWORDS = set(
    "a an and are at be but by can do does for from has have i if in is it its me my no not of on or so the "
    "then there this to was when with won t don doesn didn isn s".split()
)


def terms(query: str) -> list[str]:
    words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS and len(w) > 1]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def search(query: str) -> list[SearchEntry]:
    words = terms(query)
    if not words:
        return []
    published = Problem.objects.published().values("pk")
    if connection.vendor == "sqlite":
        match = " OR ".join(f'"{w}"*' for w in words)
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}, 10.0, 1.0, 8.0) LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, MAX_RESULTS])
            ids = [row[0] for row in cursor.fetchall()]
        rows = SearchEntry.objects.filter(problem__in=published).in_bulk(ids)
        return [rows[i] for i in ids if i in rows]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        tsquery = SearchQuery(" | ".join(f"{w}:*" for w in words), search_type="raw", config="english")
        # The stored vector; worked out here only for a row without one (written during a rolling
        # deploy by a server that did not know the column yet).
        vector = Coalesce(F("search_vector"), weighted_vector())
        return list(
            SearchEntry.objects.filter(problem__in=published)
            .annotate(rank=SearchRank(vector, tsquery))
            .filter(rank__gt=0)
            .order_by("-rank", "pk")[:MAX_RESULTS]
        )
    # Any other database: a plain substring match on each word.
    from django.db.models import Q

    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(body__icontains=word) | Q(keywords__icontains=word)
    return list(SearchEntry.objects.filter(condition, problem__in=published)[:MAX_RESULTS])


def rebuild_index() -> int:
    """Replace the index with the published content. Small enough to rebuild whole on every edit."""
    entries = []
    # Signs: answers of the live diagnosis that owners describe (a description or owners' words).
    signs = (
        Answer.objects.filter(question__version__status=DiagnosisVersion.Status.PUBLISHED, no_evidence=False)
        .exclude(description="", keywords="")
        .select_related("question__version__problem")
    )
    for answer in signs:
        problem = answer.question.version.problem
        url = (
            reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug})
            + "?"
            + urlencode([(answer.question.slug, answer.slug)])
        )
        entries.append(
            SearchEntry(
                problem=problem,
                kind=SearchEntry.Kind.SYMPTOM,
                object_id=answer.pk,
                title=answer.label,
                body=answer.description,
                keywords=answer.keywords,
                url=url,
            )
        )
    for guide in RepairGuide.objects.published().select_related("problem").prefetch_related("steps"):
        body = "\n".join([guide.summary, *(f"{s.title}\n{s.body}" for s in guide.steps.all())])
        entries.append(
            SearchEntry(
                problem=guide.problem,
                kind=SearchEntry.Kind.GUIDE,
                object_id=guide.pk,
                title=guide.title,
                body=body,
                url=guide.get_absolute_url(),
            )
        )
    for faq in FAQ.objects.published().select_related("problem"):
        entries.append(
            SearchEntry(
                problem=faq.problem,
                kind=SearchEntry.Kind.FAQ,
                object_id=faq.pk,
                title=faq.question,
                body=faq.answer,
                url=faq.get_absolute_url(),
            )
        )
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        SearchEntry.objects.bulk_create(entries)
        if connection.vendor == "postgresql":
            SearchEntry.objects.update(search_vector=weighted_vector())
    return len(entries)


def weighted_vector():
    """PostgreSQL's text search vector of an entry: titles and owners' words above body text."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("keywords", weight="A", config="english")
        + SearchVector("body", weight="B", config="english")
    )


def schedule_rebuild(**kwargs) -> None:
    """Signal receiver: rebuild once the change is committed, once per transaction however many rows changed.
    Inside `content_batch.one_change()` (the content loader) nothing: the batch rebuilds once, at its end."""
    if in_batch():
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        rebuild_index()
    elif not any(func is rebuild_index for _, func, _ in conn.run_on_commit):
        transaction.on_commit(rebuild_index)
