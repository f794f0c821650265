-- The schema tracker made before migrations and the review UI (git 1c0205f): SQLModel.metadata.create_all
-- on SQLite, read back from sqlite_master in creation order. tests/store/test_migrations.py builds old
-- databases from it.

CREATE TABLE document (
	id VARCHAR NOT NULL,
	path VARCHAR NOT NULL,
	sha256 VARCHAR NOT NULL,
	encoding VARCHAR NOT NULL,
	title VARCHAR NOT NULL,
	agency VARCHAR NOT NULL,
	ingested_at DATETIME NOT NULL,
	removed_lines INTEGER NOT NULL,
	repeated_paragraphs INTEGER NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_document_agency ON document (agency);

CREATE UNIQUE INDEX ix_document_path ON document (path);

CREATE TABLE decision (
	id INTEGER NOT NULL,
	commitment_id VARCHAR NOT NULL,
	achievement_id VARCHAR,
	action VARCHAR NOT NULL,
	value VARCHAR,
	reviewer VARCHAR NOT NULL,
	created_at DATETIME NOT NULL,
	commitment_text VARCHAR NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT ck_decision_action CHECK (action IN ('confirm', 'reject', 'link', 'unlink', 'status', 'note'))
);

CREATE INDEX ix_decision_commitment_id ON decision (commitment_id);

CREATE TABLE part (
	id VARCHAR NOT NULL,
	document_id VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	period INTEGER NOT NULL,
	agency VARCHAR NOT NULL,
	heading VARCHAR NOT NULL,
	position INTEGER NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT ck_part_kind CHECK (kind IN ('plan', 'summary')),
	FOREIGN KEY(document_id) REFERENCES document (id)
);

CREATE INDEX ix_part_agency_period_kind ON part (agency, period, kind);

CREATE INDEX ix_part_document_id ON part (document_id);

CREATE TABLE commitment (
	id VARCHAR NOT NULL,
	document_id VARCHAR NOT NULL,
	part_id VARCHAR NOT NULL,
	agency VARCHAR NOT NULL,
	period INTEGER NOT NULL,
	position INTEGER NOT NULL,
	section VARCHAR NOT NULL,
	text VARCHAR NOT NULL,
	normalized VARCHAR NOT NULL,
	topic VARCHAR NOT NULL,
	targets JSON NOT NULL,
	deadline VARCHAR,
	testable BOOLEAN NOT NULL,
	times_stated INTEGER NOT NULL,
	sentence INTEGER NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(document_id) REFERENCES document (id),
	FOREIGN KEY(part_id) REFERENCES part (id)
);

CREATE INDEX ix_commitment_document_id ON commitment (document_id);

CREATE INDEX ix_commitment_part_id ON commitment (part_id);

CREATE INDEX ix_commitment_agency_period ON commitment (agency, period);

CREATE TABLE achievement (
	id VARCHAR NOT NULL,
	document_id VARCHAR NOT NULL,
	part_id VARCHAR NOT NULL,
	agency VARCHAR NOT NULL,
	period INTEGER NOT NULL,
	position INTEGER NOT NULL,
	section VARCHAR NOT NULL,
	text VARCHAR NOT NULL,
	normalized VARCHAR NOT NULL,
	topic VARCHAR NOT NULL,
	quantities JSON NOT NULL,
	deadline VARCHAR,
	testable BOOLEAN NOT NULL,
	times_stated INTEGER NOT NULL,
	sentence INTEGER NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(document_id) REFERENCES document (id),
	FOREIGN KEY(part_id) REFERENCES part (id)
);

CREATE INDEX ix_achievement_part_id ON achievement (part_id);

CREATE INDEX ix_achievement_document_id ON achievement (document_id);

CREATE INDEX ix_achievement_agency_period ON achievement (agency, period);

CREATE TABLE candidate (
	commitment_id VARCHAR NOT NULL,
	achievement_id VARCHAR NOT NULL,
	rank INTEGER NOT NULL,
	score FLOAT NOT NULL,
	state VARCHAR NOT NULL,
	shared_terms JSON NOT NULL,
	scorer VARCHAR NOT NULL,
	PRIMARY KEY (commitment_id, achievement_id),
	CONSTRAINT ck_candidate_state CHECK (state IN ('candidate', 'suggested')),
	FOREIGN KEY(commitment_id) REFERENCES commitment (id),
	FOREIGN KEY(achievement_id) REFERENCES achievement (id)
);

CREATE INDEX ix_candidate_achievement_id ON candidate (achievement_id);

CREATE TABLE commitmentstatus (
	commitment_id VARCHAR NOT NULL,
	status VARCHAR NOT NULL,
	source VARCHAR NOT NULL,
	detail JSON NOT NULL,
	PRIMARY KEY (commitment_id),
	CONSTRAINT ck_status_status CHECK (status IN ('fulfilled', 'partial', 'in_progress', 'no_evidence', 'pending', 'not_fulfilled', 'unverifiable')),
	CONSTRAINT ck_status_source CHECK (source IN ('auto', 'reviewer')),
	FOREIGN KEY(commitment_id) REFERENCES commitment (id)
);

