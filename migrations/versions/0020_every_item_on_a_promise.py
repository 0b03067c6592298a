"""every item on a promise: a tagged flag on feedback items, survey comments tagged to commitments, complaint
clocks by due date for breaches

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE is enough here (no rebuild). Where a migration must rebuild a table on SQLite (batch mode),
    # migrations/env.py turns foreign keys off first, so dropping the old copy deletes no row that refers to it.
    op.add_column('feedback_item', sa.Column('tagged', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Items already tagged to a commitment say so.
    op.execute("UPDATE feedback_item SET tagged = EXISTS "
               "(SELECT 1 FROM feedback_commitment WHERE feedback_commitment.feedback_id = feedback_item.id)")
    op.create_index('ix_feedback_item_received_tagged', 'feedback_item', ['received_on', 'tagged'], unique=False)
    op.create_table('survey_answer_commitment',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['survey_answer.id'],
                            name=op.f('fk_survey_answer_commitment_answer_id_survey_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'],
                            name=op.f('fk_survey_answer_commitment_commitment_id_commitment')),
    sa.PrimaryKeyConstraint('answer_id', 'commitment_id', name=op.f('pk_survey_answer_commitment'))
    )
    with op.batch_alter_table('survey_answer_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_commitment_commitment_id'), ['commitment_id'], unique=False)
    with op.batch_alter_table('complaint_clock', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_clock_due_done', ['due_on', 'done_on', 'complaint_id'], unique=False)


def downgrade():
    with op.batch_alter_table('complaint_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_clock_due_done')
    with op.batch_alter_table('survey_answer_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_commitment_commitment_id'))
    op.drop_table('survey_answer_commitment')
    op.drop_index('ix_feedback_item_received_tagged', table_name='feedback_item')
    op.drop_column('feedback_item', 'tagged')
