"""Completing an assessment in the browser: comments and evidence attachments on findings.

Revision ID: 0002_editing
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_editing"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("finding", sa.String(300), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_finding_comment_assessment_id", "finding_comment", ["assessment_id"])
    op.create_table(
        "evidence_blob",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("finding", sa.String(300), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("evidence_blob.sha256"), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_evidence_file_assessment_id", "evidence_file", ["assessment_id"])


def downgrade() -> None:
    op.drop_table("evidence_file")
    op.drop_table("evidence_blob")
    op.drop_table("finding_comment")
