"""Records: an organisation's policy (retention, review interval), each approved version's next review date,
and how often a report job was started (so a restart picks unfinished jobs up again, a bounded number of
times).

Versions approved before this revision keep their retention date; their next review date becomes the
approval date plus the default interval (12 months, the organisation's policy until an admin changes it),
marked as coming from the policy.

Revision ID: 0004_records
Revises: 0003_review
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.web.db import add_months

revision = "0004_records"
down_revision = "0003_review"
branch_labels = None
depends_on = None

DEFAULT_REVIEW_MONTHS = 12  # as engine/web/db.py has it when this revision was written


def upgrade() -> None:
    op.create_table(
        "org_policy",
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("retention_years", sa.Integer(), nullable=True),
        sa.Column("review_months", sa.Integer(), nullable=False),
        sa.Column("updated", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.add_column("assessment_version", sa.Column("review_due", sa.Date(), nullable=True))
    op.add_column("assessment_version", sa.Column("review_basis", sa.String(16), nullable=True))
    op.add_column("report_job", sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    table = sa.table(
        "assessment_version",
        sa.column("id", sa.Integer()),
        sa.column("approved_at", sa.DateTime()),
        sa.column("review_due", sa.Date()),
        sa.column("review_basis", sa.String()),
    )
    bind = op.get_bind()
    approved = bind.execute(sa.select(table.c.id, table.c.approved_at).where(table.c.approved_at.is_not(None)))
    for ident, at in approved.all():
        due = add_months(at, DEFAULT_REVIEW_MONTHS).date()
        bind.execute(table.update().where(table.c.id == ident).values(review_due=due, review_basis="policy"))


def downgrade() -> None:
    op.drop_column("report_job", "attempts")
    op.drop_column("assessment_version", "review_basis")
    op.drop_column("assessment_version", "review_due")
    op.drop_table("org_policy")
