import { Injectable } from '@nestjs/common';
import type { IntegrationEvent } from '@okr/messaging';
import type { QuestionAnswered, QuestionAsked, QuestionSetAside, QuestionStatus, QuestionSubject } from '@okr/okr-domain';
import type Database from 'better-sqlite3';
import { CheckInsView } from '../view/check-ins.view';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS questions (
  tenant        TEXT NOT NULL,
  question_id   TEXT NOT NULL,
  objective_id  TEXT,
  subject       TEXT NOT NULL,
  subject_id    TEXT NOT NULL,
  key_result_id TEXT,
  team_id       TEXT,
  text          TEXT NOT NULL,
  asked_by      TEXT NOT NULL,
  asked_at      TEXT NOT NULL,
  status        TEXT NOT NULL,
  answers_json  TEXT NOT NULL DEFAULT '[]',
  set_aside_json TEXT,
  PRIMARY KEY (tenant, question_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS questions_by_objective ON questions (tenant, objective_id, asked_at, question_id);`;

export interface AnswerRow {
  text: string;
  answeredBy: string;
  answeredAt: string;
}

export interface QuestionRow {
  id: string;
  subject: QuestionSubject;
  subjectId: string;
  objectiveId?: string;
  keyResultId?: string;
  teamId?: string;
  text: string;
  askedBy: string;
  askedAt: string;
  status: QuestionStatus;
  answers: AnswerRow[];
  setAside?: { by: string; at: string; note?: string };
}

interface Row {
  question_id: string;
  objective_id: string | null;
  subject: string;
  subject_id: string;
  key_result_id: string | null;
  team_id: string | null;
  text: string;
  asked_by: string;
  asked_at: string;
  status: string;
  answers_json: string;
  set_aside_json: string | null;
}

/** Consumer name of the questions projection in the idempotency guard. */
export const QUESTIONS_CONSUMER = 'check-ins.questions';

const toQuestion = (row: Row): QuestionRow => ({
  id: row.question_id,
  subject: row.subject as QuestionSubject,
  subjectId: row.subject_id,
  ...(row.objective_id === null ? {} : { objectiveId: row.objective_id }),
  ...(row.key_result_id === null ? {} : { keyResultId: row.key_result_id }),
  ...(row.team_id === null ? {} : { teamId: row.team_id }),
  text: row.text,
  askedBy: row.asked_by,
  askedAt: row.asked_at,
  status: row.status as QuestionStatus,
  answers: JSON.parse(row.answers_json) as AnswerRow[],
  ...(row.set_aside_json === null ? {} : { setAside: JSON.parse(row.set_aside_json) as QuestionRow['setAside'] }),
});

/**
 * The questions index in the check-ins view's database: questions with their answers, by objective,
 * written only by the questions projection (eventually consistent with the `question-*` streams).
 */
@Injectable()
export class QuestionsView {
  constructor(private readonly view: CheckInsView) {
    view.db.exec(SCHEMA);
  }

  /** Applies one question event once (see the view's idempotency guard). */
  apply(event: IntegrationEvent): void {
    this.view.applyOnce(QUESTIONS_CONSUMER, event, (db) => writeQuestionEvent(db, event));
  }

  /**
   * The questions of an objective (those on the objective, its key results and its learnings), oldest
   * first, after the `(askedAt, id)` position `after` when given; `limit + 1` rows so the caller sees
   * whether there are more.
   */
  ofObjective(tenant: string, objectiveId: string, options: { status?: QuestionStatus; after?: { askedAt: string; id: string }; limit: number }): QuestionRow[] {
    const where = ['tenant = ?', 'objective_id = ?'];
    const params: (string | number)[] = [tenant, objectiveId];
    if (options.status !== undefined) {
      where.push('status = ?');
      params.push(options.status);
    }
    if (options.after !== undefined) {
      where.push('(asked_at > ? OR (asked_at = ? AND question_id > ?))');
      params.push(options.after.askedAt, options.after.askedAt, options.after.id);
    }
    const rows = this.view.db
      .prepare<(string | number)[], Row>(`SELECT * FROM questions WHERE ${where.join(' AND ')} ORDER BY asked_at, question_id LIMIT ?`)
      .all(...params, options.limit + 1);
    return rows.map(toQuestion);
  }
}

function writeQuestionEvent(db: Database.Database, event: IntegrationEvent): void {
  const tenant = event.metadata.tenantId;
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'QuestionAsked': {
      const d = event.data as QuestionAsked['data'];
      db.prepare(
        `INSERT OR IGNORE INTO questions (tenant, question_id, objective_id, subject, subject_id, key_result_id, team_id, text, asked_by, asked_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
      ).run(tenant, d.questionId, d.objectiveId ?? null, d.subject, d.subjectId, d.keyResultId ?? null, d.teamId ?? null, d.text, d.askedBy, at);
      return;
    }
    case 'QuestionAnswered': {
      const d = event.data as QuestionAnswered['data'];
      const answer: AnswerRow = { text: d.text, answeredBy: d.answeredBy, answeredAt: at };
      db.prepare(
        `UPDATE questions SET status = 'answered', answers_json = json_insert(answers_json, '$[#]', json(?))
          WHERE tenant = ? AND question_id = ?`,
      ).run(JSON.stringify(answer), tenant, d.questionId);
      return;
    }
    case 'QuestionSetAside': {
      const d = event.data as QuestionSetAside['data'];
      const setAside = { by: d.by, at, ...(d.note === undefined ? {} : { note: d.note }) };
      db.prepare(`UPDATE questions SET status = 'set-aside', set_aside_json = ? WHERE tenant = ? AND question_id = ?`).run(
        JSON.stringify(setAside),
        tenant,
        d.questionId,
      );
      return;
    }
  }
}
