export * from './types';
export * from './why';
export * from './generate';
export { quizToGift } from './gift';
export { quizToMoodleXml } from './moodle-xml';
export * from './grade';
export { quizToQti12 } from './qti12';
export { qti21Manifest, questionToQti21, quizToQti21Package } from './qti21';
export { crc32, zip } from './zip';
