"""equality kind: the kind of feedback equality monitoring answers came with; the equality question a survey
question asks

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('equality_monitoring', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=True))

    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('equality_key', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_column('equality_key')

    with op.batch_alter_table('equality_monitoring', schema=None) as batch_op:
        batch_op.drop_column('kind')
