import { redactSqlError, withoutMessageValues, withoutSqlValues } from './sql-redaction';

describe(withoutSqlValues.name, () => {
  it.each([
    // What MikroORM sends once it has written the parameters in.
    [`insert into "app_user" ("id", "email", "password_hash") values ('0b9c…', 'a@b.example', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')`,
      `insert into "app_user" ("id", "email", "password_hash") values (?, ?, ?)`],
    [`select * from u where id =  E'abc\\\\def\\'x'::int and n = 42`, `select * from u where id =  ?::int and n = ?`],
    [`update t set pin_hash = 'it''s', flag = true where id = -7.5e3`, `update t set pin_hash = ?, flag = true where id = -?`],
    [`select $1::uuid, t1.col2, "we""ird" from t1 where x = ? and y in (1, 2.5, .5)`, `select $1::uuid, t1.col2, "we""ird" from t1 where x = ? and y in (?, ?, ?)`],
    [`select $$secret body$$, $tag$it's $$ still$tag$, B'1010', X'ff', U&'d\\0061t'`, `select ?, ?, ?, ?, ?`],
    [`select 1 -- a comment with 'quotes'\nfrom t /* and 'more' */`, `select ? -- a comment with 'quotes'\nfrom t /* and 'more' */`],
    [`select 'never closed secret`, `select ?`],
    [`insert into t (name) values ('薯片 ''原味''')`, `insert into t (name) values (?)`],
  ])('%s', (sql, expected) => {
    expect(withoutSqlValues(sql)).toBe(expected);
  });
});

describe(withoutMessageValues.name, () => {
  it.each([
    ['duplicate key value violates unique constraint "app_user_email_unique"', { constraint: 'app_user_email_unique' }, 'duplicate key value violates unique constraint "app_user_email_unique"'],
    ['invalid input syntax for type uuid: "s3cr3t"', {}, 'invalid input syntax for type uuid: …'],
    ['value "123456789012" is out of range for type integer', {}, 'value "…" is out of range for type integer'],
    ['new row for relation "app_user" violates check constraint "c1"', { table: 'app_user', constraint: 'c1' }, 'new row for relation "app_user" violates check constraint "c1"'],
    ['syntax error at or near "\'secret\'"', {}, 'syntax error at or near "…"'],
  ])('%s', (message, fields, expected) => {
    expect(withoutMessageValues(message, fields)).toBe(expected);
  });
});

describe(redactSqlError.name, () => {
  const failed = (sql: string, pgMessage: string, fields: Record<string, unknown>) =>
    Object.assign(new Error(`${sql} - ${pgMessage}`), { severity: 'ERROR', ...fields });

  it('leaves the query shape, the code and the names, and no value anywhere on the error', () => {
    const sql = `insert into "app_user" ("email", "password_hash") values ('boss@example.test', '$argon2id$v=19$SECRET')`;
    const sut = failed(sql, 'new row for relation "app_user" violates check constraint "probe"', {
      code: '23514', table: 'app_user', constraint: 'probe', detail: 'Failing row contains (boss@example.test, $argon2id$v=19$SECRET).', where: `SQL statement "${sql}"`,
    });
    redactSqlError(sut, sql);
    expect(sut.message).toBe(`insert into "app_user" ("email", "password_hash") values (?, ?) - new row for relation "app_user" violates check constraint "probe"`);
    expect(sut).toMatchObject({ code: '23514', table: 'app_user', constraint: 'probe' });
    const everything = JSON.stringify({ ...sut, message: sut.message, stack: sut.stack });
    expect(everything).not.toContain('SECRET');
    expect(everything).not.toContain('boss@example.test');
    redactSqlError(sut, sql); // a second listener or a retry changes nothing
    expect(sut.message).toContain('values (?, ?) - new row');
  });

  it('withholds a message it cannot take apart', () => {
    const sut = failed('select $1', 'no prefix here: "s3cr3t"', { code: '22P02' });
    sut.message = 'something else entirely: s3cr3t';
    redactSqlError(sut, 'select $1');
    expect(sut.message).toBe('select $1 - (database error 22P02)');
  });
});
