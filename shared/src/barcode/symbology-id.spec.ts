import { stripSymbologyId } from './symbology-id.js';

describe(stripSymbologyId.name, () => {
  it.each([
    [']C101095011010209171719050810ABCD1234', '01095011010209171719050810ABCD1234', ']C1', 'gs1'],
    [']d201095011010209171719050810ABCD1234', '01095011010209171719050810ABCD1234', ']d2', 'gs1'],
    [']Q30109501101020917', '0109501101020917', ']Q3', 'gs1'],
    [']e00109501101020917', '0109501101020917', ']e0', 'gs1'],
    [']J10109501101020917', '0109501101020917', ']J1', 'gs1'],
    [']E04006381333931', '4006381333931', ']E0', 'ean'],
    [']E3400638133393112', '400638133393112', ']E3', 'ean'],
    [']E496385074', '96385074', ']E4', 'ean8'],
    [']E112', '12', ']E1', 'addon'],
    [']C0SHELF-A1', 'SHELF-A1', ']C0', 'other'],
    [']d1HELLO', 'HELLO', ']d1', 'other'],
    [']X9whatever', 'whatever', ']X9', 'other'], // unknown identifiers are still stripped
  ])('%j → %j (%s, %s)', (input, data, symbologyId, family) => {
    expect(stripSymbologyId(input)).toMatchObject({ data, symbologyId, family });
  });

  it('names known symbologies', () => {
    expect(stripSymbologyId(']d2010').symbology).toBe('GS1 DataMatrix');
    expect(stripSymbologyId(']X9010').symbology).toBeUndefined();
  });

  it.each(['4006381333931', '', ']', ']C', '] C1', 'C1]0101'])('%j has no identifier', (input) => {
    expect(stripSymbologyId(input)).toEqual({ data: input, family: 'none' });
  });
});
