import { describe, expect, it } from '@jest/globals';
import { AdjustmentSchema, CreateUserSchema, ReceiptSchema, TransferSchema } from '@stockfleet/shared';
import { fieldErrorsFromIssues, fieldErrorsFromServer, type Translate } from './issues';
import { en } from './en';
import { interpolate } from './locales';

const t: Translate = (key, params) => interpolate(en[key], params);
const STORE_A = '3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b';
const STORE_B = '9a8b7c6d-5e4f-4a3b-8c1d-0e9f8a7b6c5d';
const PRODUCT = '11111111-2222-4333-8444-555555555555';

describe(fieldErrorsFromIssues.name, () => {
  it('maps the shared schemas’ issues to translated messages by field path', () => {
    const r = CreateUserSchema.safeParse({ email: 'nope', name: '', password: 'short', role: 'manager', storeIds: [] });
    expect(r.success).toBe(false);
    const sut = fieldErrorsFromIssues(r.error!.issues, t);
    expect(sut).toEqual({
      email: en['validation.email'],
      name: en['validation.required'],
      password: 'At least 10 characters.',
    });
  });

  it('explains the password rule and refused characters in the user’s language', () => {
    const r = CreateUserSchema.safeParse({ email: 'jane.doe@example.com', name: 'Jane\u0000', password: '1234567890', role: 'manager', storeIds: [] });
    expect(fieldErrorsFromIssues(r.error!.issues, t)).toEqual({ name: en['validation.text'], password: en['validation.password'] });
  });

  it('reports an empty store choice as required and missing lines as "add at least one"', () => {
    const r = ReceiptSchema.safeParse({ idempotencyKey: 'receipt:12345678', storeId: '', lines: [] });
    const sut = fieldErrorsFromIssues(r.error!.issues, t);
    expect(sut.storeId).toBe(en['validation.required']);
    expect(sut.lines).toBe('Add at least 1.');
  });

  it('names the line whose adjustment quantity is zero', () => {
    const r = AdjustmentSchema.safeParse({ idempotencyKey: 'adjustment:12345678', storeId: STORE_A, reason: 'damage', lines: [{ productId: PRODUCT, quantity: 0 }] });
    expect(fieldErrorsFromIssues(r.error!.issues, t)).toEqual({ 'lines.0.quantity': en['validation.notZero'] });
  });

  it('explains a transfer to the same store on the destination field', () => {
    const r = TransferSchema.safeParse({ idempotencyKey: 'transfer:12345678', fromStoreId: STORE_A, toStoreId: STORE_A, lines: [{ productId: PRODUCT, quantity: 1 }] });
    expect(fieldErrorsFromIssues(r.error!.issues, t)).toEqual({ toStoreId: en['validation.sameStore'] });
    expect(TransferSchema.safeParse({ idempotencyKey: 'transfer:12345678', fromStoreId: STORE_A, toStoreId: STORE_B, lines: [{ productId: PRODUCT, quantity: 1 }] }).success).toBe(true);
  });

  it('says "whole number" for fractional quantities', () => {
    const r = ReceiptSchema.safeParse({ idempotencyKey: 'receipt:12345678', storeId: STORE_A, lines: [{ productId: PRODUCT, quantity: 1.5 }] });
    expect(fieldErrorsFromIssues(r.error!.issues, t)).toEqual({ 'lines.0.quantity': en['validation.integer'] });
  });
});

describe(fieldErrorsFromServer.name, () => {
  it('keeps the first message per path', () => {
    expect(fieldErrorsFromServer([{ path: 'a', message: 'one' }, { path: 'a', message: 'two' }, { path: 'b', message: 'x' }])).toEqual({ a: 'one', b: 'x' });
  });
});
