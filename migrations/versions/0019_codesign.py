"""co-design with residents: the group, proposals and decisions, the consultation, its events and respondents

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 09:30:05.732620

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('codesign_consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('easy_read', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('asks_equality', sa.Boolean(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('charter_id', sa.Integer(), nullable=True),
    sa.Column('adopted_charter_id', sa.Integer(), nullable=True),
    sa.Column('adopted_at', sa.DateTime(), nullable=True),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.Column('in_force_from', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['staff_user.id'], name=op.f('fk_codesign_consultation_adopted_by_id_staff_user')),
    sa.ForeignKeyConstraint(['adopted_charter_id'], ['charter.id'], name=op.f('fk_codesign_consultation_adopted_charter_id_charter')),
    sa.ForeignKeyConstraint(['charter_id'], ['charter.id'], name=op.f('fk_codesign_consultation_charter_id_charter')),
    sa.ForeignKeyConstraint(['review_id'], ['charter_review.id'], name=op.f('fk_codesign_consultation_review_id_charter_review')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_codesign_consultation_survey_id_survey')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_consultation')),
    sa.UniqueConstraint('review_id', name=op.f('uq_codesign_consultation_review_id'))
    )
    op.create_table('codesign_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['charter_review.id'], name=op.f('fk_codesign_meeting_review_id_charter_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_meeting'))
    )
    with op.batch_alter_table('codesign_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesign_meeting_review_id'), ['review_id'], unique=False)

    op.create_table('codesign_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['charter_review.id'], name=op.f('fk_codesign_member_review_id_charter_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_member'))
    )
    with op.batch_alter_table('codesign_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesign_member_review_id'), ['review_id'], unique=False)

    op.create_table('codesign_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['codesign_consultation.id'], name=op.f('fk_codesign_event_consultation_id_codesign_consultation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_codesign_event_recorded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_event'))
    )
    with op.batch_alter_table('codesign_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesign_event_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('codesign_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('commitment_code', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('current_text', sa.Text(), nullable=True),
    sa.Column('proposed_text', sa.Text(), nullable=True),
    sa.Column('proposed_standards', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence_codes', sa.JSON(), nullable=False),
    sa.Column('evidence_notes', sa.Text(), nullable=True),
    sa.Column('author', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('scale_question_id', sa.Integer(), nullable=True),
    sa.Column('comment_question_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('decided_text', sa.Text(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['comment_question_id'], ['survey_question.id'], name=op.f('fk_codesign_proposal_comment_question_id_survey_question')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_codesign_proposal_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_codesign_proposal_decided_by_id_staff_user')),
    sa.ForeignKeyConstraint(['review_id'], ['charter_review.id'], name=op.f('fk_codesign_proposal_review_id_charter_review')),
    sa.ForeignKeyConstraint(['scale_question_id'], ['survey_question.id'], name=op.f('fk_codesign_proposal_scale_question_id_survey_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_proposal')),
    sa.UniqueConstraint('review_id', 'number', name='one_number_per_review')
    )
    with op.batch_alter_table('codesign_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesign_proposal_review_id'), ['review_id'], unique=False)

    op.create_table('codesign_event_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('in_favour', sa.Integer(), nullable=False),
    sa.Column('against', sa.Integer(), nullable=False),
    sa.Column('neutral', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['codesign_event.id'], name=op.f('fk_codesign_event_support_event_id_codesign_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['codesign_proposal.id'], name=op.f('fk_codesign_event_support_proposal_id_codesign_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_event_support')),
    sa.UniqueConstraint('event_id', 'proposal_id', name='one_count_per_proposal')
    )
    with op.batch_alter_table('codesign_event_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesign_event_support_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_codesign_event_support_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('codesign_respondent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['codesign_consultation.id'], name=op.f('fk_codesign_respondent_consultation_id_codesign_consultation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_respondent')),
    sa.UniqueConstraint('consultation_id', 'email_hash', name='one_response_per_email')
    )
    with op.batch_alter_table('codesign_respondent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesign_respondent_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('codesign_highlight',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('chosen_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['survey_answer.id'], name=op.f('fk_codesign_highlight_answer_id_survey_answer')),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['staff_user.id'], name=op.f('fk_codesign_highlight_chosen_by_id_staff_user')),
    sa.ForeignKeyConstraint(['proposal_id'], ['codesign_proposal.id'], name=op.f('fk_codesign_highlight_proposal_id_codesign_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codesign_highlight')),
    sa.UniqueConstraint('proposal_id', 'answer_id', name='one_highlight_per_answer')
    )
    with op.batch_alter_table('codesign_highlight', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesign_highlight_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('codesign_highlight', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesign_highlight_proposal_id'))

    op.drop_table('codesign_highlight')
    with op.batch_alter_table('codesign_respondent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesign_respondent_consultation_id'))

    op.drop_table('codesign_respondent')
    with op.batch_alter_table('codesign_event_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesign_event_support_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_codesign_event_support_event_id'))

    op.drop_table('codesign_event_support')
    with op.batch_alter_table('codesign_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesign_proposal_review_id'))

    op.drop_table('codesign_proposal')
    with op.batch_alter_table('codesign_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesign_event_consultation_id'))

    op.drop_table('codesign_event')
    with op.batch_alter_table('codesign_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesign_member_review_id'))

    op.drop_table('codesign_member')
    with op.batch_alter_table('codesign_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesign_meeting_review_id'))

    op.drop_table('codesign_meeting')
    op.drop_table('codesign_consultation')
