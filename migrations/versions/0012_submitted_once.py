"""submitted once: one-time submission tokens on feedback and messages, and one answer per question per response

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 06:25:32.386567

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_feedback_item_submission_hash'), ['submission_hash'])

    with op.batch_alter_table('feedback_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_feedback_message_submission_hash'), ['submission_hash'])

    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part', sa.SmallInteger(), nullable=False, server_default='0'))
    # The options ticked on one multiple choice answer are its parts 0, 1, 2 ... in the order they were stored.
    op.execute(
        "UPDATE survey_answer SET part = (SELECT COUNT(*) FROM survey_answer AS earlier "
        "WHERE earlier.response_id = survey_answer.response_id AND earlier.question_id = survey_answer.question_id "
        "AND earlier.id < survey_answer.id)"
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.alter_column('part', server_default=None)
        batch_op.create_unique_constraint('uq_survey_answer_response_id', ['response_id', 'question_id', 'part'])


def downgrade():
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_constraint('uq_survey_answer_response_id', type_='unique')
        batch_op.drop_column('part')

    with op.batch_alter_table('feedback_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_feedback_message_submission_hash'), type_='unique')
        batch_op.drop_column('submission_hash')

    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_feedback_item_submission_hash'), type_='unique')
        batch_op.drop_column('submission_hash')
