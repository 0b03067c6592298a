"""charter reviews: one council's charter for one review year, with its stage

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 09:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('charter_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['staff_user.id'], name=op.f('fk_charter_review_opened_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_review')),
    sa.UniqueConstraint('council_slug', 'starts_on', name='one_review_per_year')
    )
    with op.batch_alter_table('charter_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_review_council_slug'), ['council_slug'], unique=False)


def downgrade():
    with op.batch_alter_table('charter_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_review_council_slug'))
    op.drop_table('charter_review')
