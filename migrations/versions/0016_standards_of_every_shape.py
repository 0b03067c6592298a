"""standards of every shape: a commitment holds a list of standards, rings have a length, charters list expectations

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 09:30:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_OLD = ('metric', 'target_value', 'target_unit', 'target_share', 'rule')


def upgrade():
    with op.batch_alter_table('charter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seconds_per_ring', sa.Integer(), nullable=True))
    op.create_table('charter_expectation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['charter_id'], ['charter.id'], name=op.f('fk_charter_expectation_charter_id_charter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_expectation'))
    )
    with op.batch_alter_table('charter_expectation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_expectation_charter_id'), ['charter_id'], unique=False)

    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standards', sa.JSON(), nullable=True))
    commitment = sa.table('commitment', sa.column('id'), sa.column('standards', sa.JSON()),
                          *(sa.column(name) for name in _OLD))
    bind = op.get_bind()
    for row in bind.execute(sa.select(commitment)).mappings().all():
        standards = []
        if row['metric'] is not None and row['target_value'] is not None:
            standard = {'metric': row['metric'], 'target': row['target_value'], 'unit': row['target_unit'],
                        'share': row['target_share'], 'rule': row['rule']}
            standards.append({k: v for k, v in standard.items() if v is not None})
        bind.execute(commitment.update().where(commitment.c.id == row['id']).values(standards=standards))
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.alter_column('standards', existing_type=sa.JSON(), nullable=False)
        for name in _OLD:
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('metric', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('target_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('target_unit', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('target_share', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('rule', sa.String(length=40), nullable=True))
    commitment = sa.table('commitment', sa.column('id'), sa.column('standards', sa.JSON()),
                          *(sa.column(name) for name in _OLD))
    bind = op.get_bind()
    for row in bind.execute(sa.select(commitment.c.id, commitment.c.standards)).mappings().all():
        standards = row['standards'] if not isinstance(row['standards'], str) else json.loads(row['standards'])
        if standards:
            first = standards[0]
            bind.execute(commitment.update().where(commitment.c.id == row['id']).values(
                metric=first['metric'], target_value=first['target'], target_unit=first['unit'],
                target_share=first.get('share'), rule=first.get('rule')))
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_column('standards')
    with op.batch_alter_table('charter_expectation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_expectation_charter_id'))
    op.drop_table('charter_expectation')
    with op.batch_alter_table('charter', schema=None) as batch_op:
        batch_op.drop_column('seconds_per_ring')
