"""SQLAlchemy 2.0 typed models (SPEC §2–§4).

Every constraint and index is named through the metadata naming convention so
Alembic migrations are stable across SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData,
    String, Text, UniqueConstraint, false, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Outlet(Base):
    """A publication (a host name such as ``apnews.com``)."""

    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)


class Article(Base):
    """A stored article. Identity is the hash of its text; ``ext_id`` is the id it came with."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("outlet_id", "url", name="uq_articles_outlet_url"),
        Index("ix_articles_published", "published"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(255), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id"))
    url: Mapped[str | None] = mapped_column(String(2048))
    published: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    # the article whose copy this is (near-duplicate cluster representative), or None
    copy_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    outlet: Mapped[Outlet | None] = relationship()
    claims: Mapped[list[Claim]] = relationship(back_populates="article", cascade="all, delete-orphan")


class Source(Base):
    """A canonical authority (``Gaza Health Ministry``) and the names it was seen under."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical: Mapped[str] = mapped_column(String(255), unique=True)
    aliases: Mapped[list] = mapped_column(JSON, default=list)


class Claim(Base):
    """One stated head count (SPEC §2) with its metric identity and originator."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("article_id", "start", "kind", name="uq_claims_article_start_kind"),
        # copies of a story: the articles stating the same figure within a few days
        Index("ix_claims_kind_value_as_of", "kind", "value", "as_of"),
        # … of which those stated as the article's own (no source named): an attributed
        # figure looks only among these, whatever the number of its copies (migration 0006)
        Index("ix_claims_own_figures", "kind", "value", "as_of", sqlite_where=text("source_id IS NULL"),
              postgresql_where=text("source_id IS NULL")),
        # latest earlier claim of one originator within a metric
        Index("ix_claims_metric_originator_order", "metric", "originator", "order_key"),
        # candidate lookup path (SPEC §3): the observations (first mentions) of a metric
        # (kind, region, …) in a time window, never their copies (migration 0006)
        Index("ix_claims_metric_head_as_of", "metric", "head", "as_of"),
        # the mentions of one observation, first mention first (migration 0003)
        Index("ix_claims_observation_order", "observation", "order_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(BigInteger)
    qualifier: Mapped[str] = mapped_column(String(16))
    low: Mapped[int | None] = mapped_column(BigInteger)
    high: Mapped[int | None] = mapped_column(BigInteger)
    scope: Mapped[str] = mapped_column(String(16))
    period: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(255))
    subject_class: Mapped[str] = mapped_column(String(64), default="people")
    location: Mapped[str | None] = mapped_column(String(255))
    region: Mapped[str] = mapped_column(String(128), default="")
    source: Mapped[str | None] = mapped_column(String(512))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    originator: Mapped[str] = mapped_column(String(255))
    as_of: Mapped[date | None] = mapped_column(Date)
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # kind|region|subject_class|scope[:period]: claims relate only within one metric
    metric: Mapped[str] = mapped_column(String(512))
    # a total order independent of ingestion order: as_of|role rank|value|published|content_hash|start
    order_key: Mapped[str] = mapped_column(String(160))
    # what the figure is in its article: total · part · earlier · other_event (SPEC §2)
    role: Mapped[str] = mapped_column(String(16), default="total", server_default="total")
    # the regions containing ``region``, innermost first, ``|``-separated
    regions: Mapped[str] = mapped_column(String(512), default="", server_default="")
    # the observation the claim is a mention of: one originator's figure for one metric
    # at one date (a digest of originator, metric, place, date and figure)
    observation: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # whether the claim is its observation's first mention (by order key), which stands
    # for the observation in cross-originator links; kept by the linker (migration 0006)
    head: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    article: Mapped[Article] = relationship(back_populates="claims")
    source_ref: Mapped[Source | None] = relationship()

    @property
    def source_canonical(self) -> str | None:
        return self.source_ref.canonical if self.source_ref else None


class ClaimLink(Base):
    """A relation between a newer claim ``a`` and an earlier claim ``b`` of one metric."""

    __tablename__ = "claim_links"
    __table_args__ = (
        UniqueConstraint("a_id", "b_id", name="uq_claim_links_a_id_b_id"),
        Index("ix_claim_links_b_id", "b_id"),
        Index("ix_claim_links_relation", "relation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    relation: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    a: Mapped[Claim] = relationship(foreign_keys=[a_id])
    b: Mapped[Claim] = relationship(foreign_keys=[b_id])


class Flag(Base):
    """A link that needs a reviewer's eyes (contradicts, revises_down, …) and its current status."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the pair of claims, kept even if the link is later recomputed
    a_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    relation: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    # how far a reviewer can trust the conflict (0..1) and why (migration 0003)
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default="1.0")
    reasons: Mapped[list | None] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="new")
    verdict: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # optimistic concurrency: every ORM update of a flag bumps it (and fails on a stale
    # copy), so two reviewers sending the version they saw never overwrite each other
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __table_args__ = (
        UniqueConstraint("a_id", "b_id", name="uq_flags_a_id_b_id"),
        Index("ix_flags_status", "status"),
        # the review desk's queue: newest first, paged by (created_at, id)
        Index("ix_flags_created_at_id", "created_at", "id"),
    )
    __mapper_args__ = {"version_id_col": version}

    a: Mapped[Claim] = relationship(foreign_keys=[a_id])
    b: Mapped[Claim] = relationship(foreign_keys=[b_id])
    # reviews go with their flag (the FK cascades too); a flag is only deleted while untouched
    reviews: Mapped[list[Review]] = relationship(back_populates="flag", order_by="Review.id",
                                                 cascade="all, delete-orphan", passive_deletes=True)


class Review(Base):
    """One change of a flag's status: who, when, why. Never updated, only appended."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_flag_id", "flag_id"),
        # the few reviews people wrote among the many automatic notes: opening a flag asks
        # whether a person reviewed a flag of its metric (worker/review.py)
        Index("ix_reviews_by_people", "flag_id", postgresql_where=text("reviewer <> 'claimtrack'"),
              sqlite_where=text("reviewer <> 'claimtrack'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    flag: Mapped[Flag] = relationship(back_populates="reviews")


class Rejection(Base):
    """An input that could not be stored: which, why, and (for failures) the traceback."""

    __tablename__ = "rejections"
    __table_args__ = (Index("ix_rejections_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(2048))
    article: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict | None] = mapped_column(JSON)
    # rejected (bad input) · failed (an error while processing) · retried
    status: Mapped[str] = mapped_column(String(16), default="rejected")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Recheck(Base):
    """One run of the scheduled re-check: when, how much it examined, what changed."""

    __tablename__ = "rechecks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    since: Mapped[date | None] = mapped_column(Date)
    examined: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class ApiToken(Base):
    """A credential for the HTTP API and the review desk. Only a hash of the secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # who acts with it: the reviewer's name on every change made with this token
    name: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # read · ingest · review
    # sha256 of the secret (a 256-bit random token needs no slow hash)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the first characters of the token, to tell tokens apart in `token list`
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in desk session: the browser holds the secret, the store its hash."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_token_id", "token_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    # every form of this session carries it (CSRF)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    token: Mapped[ApiToken] = relationship()


class SentBatch(Base):
    """The outbox ledger: a batch message sent to the queue and not yet finished.

    Written before the message is published and deleted when its task reaches a final
    state; a row that outlives its message (lost by the broker) is sent again with the
    same task id (worker/redelivery.py, docs/queue.md).
    """

    __tablename__ = "sent_batches"
    __table_args__ = (Index("ix_sent_batches_sent_at", "sent_at"),)

    task_id: Mapped[str] = mapped_column(Text, primary_key=True)
    # the task's arguments as JSON: [payloads, origins]
    body: Mapped[str] = mapped_column(Text)
    articles: Mapped[int] = mapped_column(Integer)
    # when it was last sent (first send or resend)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resent: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
