export { saveProfile, loadProfile } from './profileFile.js';
