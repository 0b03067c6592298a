"""retention lookups: complaints raised about a request, restrictions a case led to, emails and contacts about a record

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 10:05:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_item_raised_from_id'), ['raised_from_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_related', ['related_type', 'related_id'], unique=False)

    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.create_index('ix_contact_record_related', ['related_type', 'related_id'], unique=False)

    with op.batch_alter_table('contact_restriction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_restriction_complaint_id'), ['complaint_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_restriction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_restriction_complaint_id'))

    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_record_related')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_related')

    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_item_raised_from_id'))
