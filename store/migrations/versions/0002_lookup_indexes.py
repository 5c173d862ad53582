"""copies are found by figure: index (kind, value, as_of) replaces (kind, region, as_of);
reviews written by people get a partial index

Cross-source candidates are looked up by metric and date (ix_claims_metric_as_of); the
(kind, region, as_of) index served an older lookup and nothing reads it now. Copies of
a story are found through the figures they share, which scanned every claim of a kind
without an index on the value. Opening a flag asks whether a person has reviewed a flag
of its metric; the partial index holds only the reviews people wrote, so that question
does not read every automatic note.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_kind_value_as_of', ['kind', 'value', 'as_of'], unique=False)
        batch_op.drop_index('ix_claims_kind_region_as_of')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_by_people', ['flag_id'], unique=False,
                              postgresql_where=sa.text("reviewer <> 'claimtrack'"),
                              sqlite_where=sa.text("reviewer <> 'claimtrack'"))


def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_by_people')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_kind_region_as_of', ['kind', 'region', 'as_of'], unique=False)
        batch_op.drop_index('ix_claims_kind_value_as_of')
