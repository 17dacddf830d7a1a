export * from './types';
export * from './why';
export * from './generate';
export { quizToGift } from './gift';
export { quizToMoodleXml } from './moodle-xml';
export * from './grade';
