"""observation heads: each claim says whether it is its observation's first mention;
the figures articles state as their own get an index of their own

Cross-originator links join observations through their first mentions. Finding them
read every mention of a metric's time window and kept the first of each observation,
so a story carried by hundreds of outlets cost hundreds of rows per new figure, growing
with the store. The linker now keeps a ``head`` flag on the first mention, and the
window is read through (metric, head, as_of), which replaces (metric, as_of): only the
observations, never their copies.

Copies of an attributed figure are looked for only among the figures articles state as
their own; the partial index (kind, value, as_of) WHERE source_id IS NULL holds just
those, so a figure carried by thousands of articles is not read each time it comes again.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head', sa.Boolean(), server_default=sa.false(), nullable=False))
    # the first mention (by order key) of each dated observation is its head
    op.execute("""
        UPDATE claims SET head = TRUE WHERE id IN (
            SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY observation ORDER BY order_key, id) AS nth
                            FROM claims WHERE order_key NOT LIKE '0000-00-00%') AS w
            WHERE nth = 1)""")
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_metric_head_as_of', ['metric', 'head', 'as_of'], unique=False)
        batch_op.drop_index('ix_claims_metric_as_of')
        batch_op.create_index('ix_claims_own_figures', ['kind', 'value', 'as_of'], unique=False,
                              postgresql_where=sa.text('source_id IS NULL'),
                              sqlite_where=sa.text('source_id IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_own_figures')
        batch_op.create_index('ix_claims_metric_as_of', ['metric', 'as_of'], unique=False)
        batch_op.drop_index('ix_claims_metric_head_as_of')
        batch_op.drop_column('head')
