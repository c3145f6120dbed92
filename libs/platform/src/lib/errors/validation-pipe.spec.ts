import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Matches, Max } from 'class-validator';
import { ValidationProblem } from './problems';
import { validationPipe } from './validation-pipe';

class AsOfQuery {
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) asOf?: string;
  @IsOptional() @IsInt() limit = 50;
}

class RequiredQuery {
  @IsString() team!: string;
}

class LimitQuery {
  @IsOptional() @IsInt() @Max(10) limit?: number;
}

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });

describe('validationPipe: an empty query', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is validated once per DTO; later empty queries get an equal instance of their own', async () => {
    const whole = jest.spyOn(ValidationPipe.prototype, 'transform');
    const pipe = validationPipe();
    const first = await pipe.transform({}, query(AsOfQuery));
    const second = (await pipe.transform({}, query(AsOfQuery))) as AsOfQuery;
    expect(whole).toHaveBeenCalledTimes(1);
    expect(second).toBeInstanceOf(AsOfQuery);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    second.limit = 1;
    expect(await pipe.transform({}, query(AsOfQuery))).toEqual({ limit: 50 });
  });

  it('that breaks the DTO fails every time, and a query with values is validated in full', async () => {
    const pipe = validationPipe();
    await expect(pipe.transform({}, query(RequiredQuery))).rejects.toBeInstanceOf(ValidationProblem);
    await expect(pipe.transform({}, query(RequiredQuery))).rejects.toBeInstanceOf(ValidationProblem);
    await pipe.transform({}, query(AsOfQuery));
    await expect(pipe.transform({ asOf: 'yesterday' }, query(AsOfQuery))).rejects.toBeInstanceOf(ValidationProblem);
    await expect(pipe.transform({ unknown: '1' }, query(AsOfQuery))).rejects.toBeInstanceOf(ValidationProblem);
    await pipe.transform({}, query(LimitQuery));
    await expect(pipe.transform({ limit: 11 }, query(LimitQuery))).rejects.toBeInstanceOf(ValidationProblem);
  });

  it('of another kind of argument (a body) goes through the whole pipe', async () => {
    const whole = jest.spyOn(ValidationPipe.prototype, 'transform');
    const pipe = validationPipe();
    await pipe.transform({}, { type: 'body', metatype: AsOfQuery });
    await pipe.transform({}, { type: 'body', metatype: AsOfQuery });
    expect(whole).toHaveBeenCalledTimes(2);
  });
});
