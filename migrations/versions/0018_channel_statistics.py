"""channel statistics: monthly figures per channel and service, with threshold counts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COUNTS = ['calls_offered', 'calls_answered', 'calls_abandoned', 'calls_queued', 'average_wait_seconds',
          'longest_wait_seconds', 'callbacks_promised', 'callbacks_made', 'chats_offered', 'chats_connected',
          'visitors_without_appointment', 'visitors_with_appointment', 'foi_due', 'foi_on_time', 'eir_due',
          'eir_on_time', 'sar_due', 'sar_on_time']


def upgrade():
    op.create_table('channel_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('area_key', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=True) for name in COUNTS],
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['staff_user.id'], name=op.f('fk_channel_month_imported_by_id_staff_user')),
    sa.ForeignKeyConstraint(['service_area_id'], ['service_area.id'], name=op.f('fk_channel_month_service_area_id_service_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_month')),
    sa.UniqueConstraint('month', 'channel', 'area_key', name='one_row_per_month_channel_service')
    )
    with op.batch_alter_table('channel_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_month_month'), ['month'], unique=False)

    op.create_table('channel_threshold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_month_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=30), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_month_id'], ['channel_month.id'], name=op.f('fk_channel_threshold_channel_month_id_channel_month'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_threshold')),
    sa.UniqueConstraint('channel_month_id', 'measure', 'seconds', name='one_count_per_threshold')
    )
    with op.batch_alter_table('channel_threshold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_threshold_channel_month_id'), ['channel_month_id'], unique=False)


def downgrade():
    with op.batch_alter_table('channel_threshold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_threshold_channel_month_id'))
    op.drop_table('channel_threshold')
    with op.batch_alter_table('channel_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_month_month'))
    op.drop_table('channel_month')
