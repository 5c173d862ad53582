"""observations: claims carry their role, containing regions and observation; flags
carry a confidence and its reasons

A figure stated by one originator for one metric at one date is one observation however
many articles carry it; each claim names the observation it mentions (a digest), and the
(observation, order_key) index finds an observation's first mention, which links and
flags join. Claims keep the role extraction gave them (total, part, earlier,
other_event) and the regions containing their place. A flag carries how far a reviewer
can trust it and the reasons, by which review lists sort.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), server_default='total', nullable=False))
        batch_op.add_column(sa.Column('regions', sa.String(length=512), server_default='', nullable=False))
        batch_op.add_column(sa.Column('observation', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_index('ix_claims_observation_order', ['observation', 'order_key'], unique=False)
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confidence', sa.Float(), server_default='1.0', nullable=False))
        batch_op.add_column(sa.Column('reasons', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_column('reasons')
        batch_op.drop_column('confidence')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_observation_order')
        batch_op.drop_column('observation')
        batch_op.drop_column('regions')
        batch_op.drop_column('role')
