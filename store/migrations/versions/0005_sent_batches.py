"""sent_batches: the outbox ledger of batch messages on the queue

Every `claimtrack.ingest_batch` message is recorded here (its task id and arguments)
before it is published, and deleted when the task reaches a final state. Redis can lose
a message it popped but had not yet recorded as unacknowledged (a crash in between);
the row outlives it, and `claimtrack.resend_lost` sends it again with the same task id.
The sent_at index serves the search for rows older than the grace period.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sent_batches',
        sa.Column('task_id', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('articles', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resent', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('task_id', name=op.f('pk_sent_batches')),
    )
    with op.batch_alter_table('sent_batches', schema=None) as batch_op:
        batch_op.create_index('ix_sent_batches_sent_at', ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_sent_batches_sent_at')
    op.drop_table('sent_batches')
