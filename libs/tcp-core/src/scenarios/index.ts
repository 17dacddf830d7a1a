/**
 * The scenario catalogue: named, bilingual walk-throughs of RFC 9293's
 * opening and closing sequences and their anomalies, as plain data that the
 * simulator plays step by step.
 */
export { localized, type Localized, type Scenario, type ScenarioStep } from './types';
export { SCENARIOS, scenario } from './catalogue';
export { createScenarioConnection, playScenario, playStep, type PlayedStep } from './play';
