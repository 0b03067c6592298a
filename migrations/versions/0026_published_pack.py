"""published packs: the annual pack of an adopted review as it was published, which residents read

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_pack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['staff_user.id'],
                            name=op.f('fk_published_pack_published_by_id_staff_user')),
    sa.ForeignKeyConstraint(['review_id'], ['charter_review.id'],
                            name=op.f('fk_published_pack_review_id_charter_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_pack')),
    sa.UniqueConstraint('review_id', name=op.f('uq_published_pack_review_id'))
    )


def downgrade():
    op.drop_table('published_pack')
