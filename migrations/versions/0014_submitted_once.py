"""submitted once: one-time submission tokens on feedback and messages, one answer per question per response,
and the APIs' Idempotency-Key answers

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 06:25:32.386567

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('api_key_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_key.id'], name=op.f('fk_api_idempotency_key_api_key_id_api_key'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency_key')),
    sa.UniqueConstraint('api_key_id', 'key_hash', name='uq_api_idempotency_key_api_key_id')
    )
    with op.batch_alter_table('api_idempotency_key', schema=None) as batch_op:
        batch_op.create_index('ix_api_idempotency_key_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_feedback_item_submission_hash'), ['submission_hash'])

    with op.batch_alter_table('feedback_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_feedback_message_submission_hash'), ['submission_hash'])

    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part', sa.SmallInteger(), nullable=False, server_default='0'))
    # A response sent twice at once could store its answers twice. Keep the first row of each answer: one row per
    # response and question, or per response, question and option ticked on a multiple choice question.
    op.execute(
        "DELETE FROM survey_answer WHERE EXISTS (SELECT 1 FROM survey_answer AS earlier "
        "JOIN survey_question AS question ON question.id = earlier.question_id "
        "WHERE earlier.response_id = survey_answer.response_id AND earlier.question_id = survey_answer.question_id "
        "AND earlier.id < survey_answer.id AND (question.type <> 'multiple_choice' "
        "OR earlier.choice = survey_answer.choice OR (earlier.choice IS NULL AND survey_answer.choice IS NULL)))"
    )
    # The options ticked on one multiple choice answer are its parts 0, 1, 2 ... in the order they were stored;
    # every other answer is one row, part 0.
    op.execute(
        "UPDATE survey_answer SET part = (SELECT COUNT(*) FROM survey_answer AS earlier "
        "WHERE earlier.response_id = survey_answer.response_id AND earlier.question_id = survey_answer.question_id "
        "AND earlier.id < survey_answer.id) "
        "WHERE question_id IN (SELECT id FROM survey_question WHERE type = 'multiple_choice')"
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

    with op.batch_alter_table('api_idempotency_key', schema=None) as batch_op:
        batch_op.drop_index('ix_api_idempotency_key_created_at')

    op.drop_table('api_idempotency_key')
