/**
 * Playing a scenario: its steps are ordinary tcp-core inputs, run by the
 * real simulator one at a time, so what a student sees is always computed,
 * never replayed from a recording. Pure, like step(): the connection passed
 * in is never changed.
 */
import { createConnection, type Connection } from '../connection';
import { step, type StepResult } from '../step';
import type { Localized, Scenario } from './types';

/** A step's result with the scenario's explanation of it. */
export interface PlayedStep extends StepResult {
  text: Localized;
}

/** The connection a scenario starts from. */
export function createScenarioConnection(s: Scenario): Connection {
  return createConnection(s.options);
}

/**
 * Apply step `index` of the scenario to `connection` (the result of the
 * steps before it). An index outside the scenario is a programming error,
 * not a simulator outcome, so it throws.
 */
export function playStep(s: Scenario, connection: Connection, index: number): PlayedStep {
  const scenarioStep = s.steps[index];
  if (!scenarioStep) throw new RangeError(`scenario ${s.id} has steps 0 to ${s.steps.length - 1}, not ${index}`);
  return { ...step(connection, scenarioStep.input), text: scenarioStep.text };
}

/** Every step of the scenario from its start, in order; each result's connection feeds the next step. */
export function playScenario(s: Scenario): PlayedStep[] {
  const played: PlayedStep[] = [];
  let connection = createScenarioConnection(s);
  for (let index = 0; index < s.steps.length; index++) {
    const result = playStep(s, connection, index);
    played.push(result);
    connection = result.connection;
  }
  return played;
}
