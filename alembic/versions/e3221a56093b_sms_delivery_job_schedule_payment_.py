"""sms delivery, job schedule, payment notifications

The outbox gains its delivery columns (rows already there stay in the dev outbox: status
'outbox'), the scheduler its job leases, the payment endpoint its log of notifications.

Revision ID: e3221a56093b
Revises: 2d0475c7e7a6
Create Date: 2026-11-30 11:30:36.676103

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = 'e3221a56093b'
down_revision: Union[str, None] = '2d0475c7e7a6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('paymentnotification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signature_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('bank', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('bank_reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('bill_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('amount_sar', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signature_digest')
    )
    with op.batch_alter_table('paymentnotification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paymentnotification_bank_reference'), ['bank_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_paymentnotification_received_at'), ['received_at'], unique=False)

    op.create_table('scheduledjob',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('next_run_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('lease_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_outcome', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('last_summary', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('last_duration_ms', sa.Integer(), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('smsmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default=sa.text("'outbox'")))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('provider_ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=sa.text("''")))
        batch_op.create_index(batch_op.f('ix_smsmessage_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_smsmessage_provider_ref'), ['provider_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_smsmessage_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('smsmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_smsmessage_status'))
        batch_op.drop_index(batch_op.f('ix_smsmessage_provider_ref'))
        batch_op.drop_index(batch_op.f('ix_smsmessage_next_attempt_at'))
        batch_op.drop_column('last_error')
        batch_op.drop_column('provider_ref')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')

    op.drop_table('scheduledjob')
    with op.batch_alter_table('paymentnotification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paymentnotification_received_at'))
        batch_op.drop_index(batch_op.f('ix_paymentnotification_bank_reference'))

    op.drop_table('paymentnotification')
